// Who is signed in: the tokens (sessionStorage) and /auth/me, shared by every screen.
import { reactive } from 'vue'
import { api, loadTokens, problemText, saveTokens, type Schemas } from './api/client'

export const session = reactive({
  me: null as Schemas['Me'] | null,
  displayName: '',
})

export async function loadMe(): Promise<Schemas['Me'] | null> {
  if (!loadTokens()) return null
  const { data } = await api.GET('/api/v1/auth/me')
  session.me = data ?? null
  return session.me
}

/** Sign in with the password form; the error text when refused. */
export async function signIn(username: string, password: string): Promise<string | null> {
  const { data, error } = await api.POST('/api/v1/auth/token', {
    body: { grant_type: 'password', username, password },
    bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })
  if (!data) return problemText(error, '用户名或密码错误')
  saveTokens({ access: data.access_token, refresh: data.refresh_token ?? null })
  await loadMe()
  return null
}

export async function signOut(): Promise<void> {
  const tokens = loadTokens()
  if (tokens?.refresh) await api.POST('/api/v1/auth/logout', { body: { refresh_token: tokens.refresh } })
  saveTokens(null)
  session.me = null
}

export function hasRole(...roles: string[]): boolean {
  return roles.some((role) => session.me?.roles.includes(role) ?? false)
}

export function isOffice(): boolean {
  return hasRole('admin', 'office')
}
