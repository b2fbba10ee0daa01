// The one typed client of the public REST API (types generated from the gateway's OpenAPI document).
import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'

export type Schemas = components['schemas']
export type Problem = Schemas['ProblemDetails']

const TOKEN_KEY = 'gongjian.tokens'

export interface Tokens {
  access: string
  refresh: string | null
}

export function loadTokens(): Tokens | null {
  const raw = sessionStorage.getItem(TOKEN_KEY)
  return raw ? (JSON.parse(raw) as Tokens) : null
}

export function saveTokens(tokens: Tokens | null): void {
  if (tokens) sessionStorage.setItem(TOKEN_KEY, JSON.stringify(tokens))
  else sessionStorage.removeItem(TOKEN_KEY)
}

export const api = createClient<paths>({ baseUrl: '/' })

let onSignedOut: () => void = () => {}
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler
}

const bearer: Middleware = {
  onRequest({ request }) {
    const tokens = loadTokens()
    if (tokens && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${tokens.access}`)
    }
    return request
  },
}
api.use(bearer)

let refreshing: Promise<boolean> | null = null

/** A new access token from the refresh token; false (and signed out) when it no longer holds. */
export function refreshTokens(): Promise<boolean> {
  refreshing ??= (async () => {
    const tokens = loadTokens()
    if (!tokens?.refresh) return false
    const { data } = await api.POST('/api/v1/auth/refresh', { body: { refresh_token: tokens.refresh } })
    if (!data) return false
    saveTokens({ access: data.access_token, refresh: data.refresh_token ?? tokens.refresh })
    return true
  })().finally(() => {
    refreshing = null
  })
  return refreshing
}

// An expired access token: refresh once and repeat the request; otherwise back to the sign-in page.
api.use({
  async onResponse({ request, response }) {
    if (response.status !== 401 || request.url.includes('/api/v1/auth/')) return response
    if (await refreshTokens()) {
      const again = new Request(request, { headers: new Headers(request.headers) })
      again.headers.set('Authorization', `Bearer ${loadTokens()?.access ?? ''}`)
      return fetch(again)
    }
    saveTokens(null)
    onSignedOut()
    return response
  },
})

/** The message a person reads for a problem answer: its detail, and the fields it names. */
export function problemText(error: unknown, fallback = '操作失败，请稍后重试'): string {
  if (!error || typeof error !== 'object') return fallback
  const problem = error as Partial<Problem>
  const fields = (problem.errors ?? [])
    .map((item) => [item.field, item.message_zh ?? item.message].filter(Boolean).join('：'))
    .filter(Boolean)
  const head = [problem.title_zh, problem.detail].filter(Boolean).join('：') || fallback
  return fields.length ? `${head}（${fields.join('；')}）` : head
}

/** The If-Match value for an object's revision. */
export function ifMatch(revision: number): string {
  return `"${revision}"`
}
