// What a front end writes against the client generated from the gateway's merged OpenAPI document
// (tests/contract/test_typescript_client.py generates "gongjian-api" and type-checks this file with tsc).
import createClient from "openapi-fetch";
import type { components, paths } from "gongjian-api";

type Problem = components["schemas"]["ProblemDetails"];
type Project = components["schemas"]["ProjectOut"];

const client = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });

/** Every field error of a problem, as a front end shows them next to the inputs. */
export function fieldMessages(problem: Problem): Map<string, string> {
  const messages = new Map<string, string>();
  for (const error of problem.errors ?? []) {
    messages.set(error.field, `${error.message_zh} (${error.rule}): ${error.message}`);
  }
  return messages;
}

export async function registerProject(unitId: string): Promise<Project | Map<string, string>> {
  // Fields with defaults (provincial_key, leader_ids, ...) may be left out of a request.
  const { data, error, response } = await client.POST("/api/v1/projects", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: {
      year: 2026,
      kind: "key",
      name: "安康市中心医院新院区",
      unit_id: unitId,
      total_investment_10k: "125000.00",
      planned_investment_10k: 30000,
    },
  });
  if (error !== undefined) {
    const problem: Problem = error;
    console.error(response.status, problem.title_zh, problem.correlation_id ?? "");
    return fieldMessages(problem);
  }
  return data;
}

export async function allProjects(pageSize: number): Promise<Project[]> {
  const projects: Project[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const { data, error } = await client.GET("/api/v1/projects", {
      params: { query: { limit: pageSize, offset, sort: "name" } },
    });
    if (error !== undefined) {
      throw new Error(`${error.status} ${error.title}: ${[...fieldMessages(error).values()].join("; ")}`);
    }
    const page: { items: Project[]; total: number; limit: number; offset: number } = data;
    projects.push(...page.items);
    if (page.offset + page.items.length >= page.total) {
      return projects;
    }
  }
}
