// `npm run gen:api`: the gateway's OpenAPI document from the Python apps, then its TypeScript types.
// The Python is the repository's .venv (as `make dev` installs it) or $GONGJIAN_PYTHON.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repo = resolve(web, '..')
const venvPython = resolve(repo, '.venv/bin/python')
const python = process.env.GONGJIAN_PYTHON ?? (existsSync(venvPython) ? venvPython : 'python3.11')
const documentPath = resolve(web, 'src/api/openapi.json')
const typesPath = resolve(web, 'src/api/schema.d.ts')

execFileSync(python, ['-m', 'gongjian.web_api', documentPath], { cwd: repo, stdio: 'inherit' })
// --default-non-nullable false: a request may leave out a field that has a default (as tests/contract does).
execFileSync(
  resolve(web, 'node_modules/.bin/openapi-typescript'),
  [documentPath, '--default-non-nullable', 'false', '--output', typesPath],
  { cwd: web, stdio: 'inherit' },
)
