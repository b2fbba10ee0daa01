import { describe, expect, it } from 'vitest'
import { mayVisit, menuFor } from '../src/lib/menu'

const titles = (roles: string[]) => menuFor(roles).map((entry) => entry.path)

describe('the menu by role', () => {
  it('gives the office every screen', () => {
    expect(titles(['office'])).toEqual(['/', '/inbox', '/dashboard', '/projects', '/reviews', '/plan', '/months', '/accounts', '/recognitions', '/reporting', '/scores', '/meetings', '/resolutions', '/exchange', '/deliveries'])
  })
  it('gives the imports, the exports and the delivery audit to the office alone', () => {
    expect(mayVisit('/exchange', ['admin'])).toBe(true)
    expect(mayVisit('/deliveries', ['office'])).toBe(true)
    for (const role of ['unit-admin', 'reporter', 'liaison', 'reviewer', 'leader', 'convener']) {
      expect(mayVisit('/exchange', [role])).toBe(false)
      expect(mayVisit('/deliveries', [role])).toBe(false)
    }
  })
  it('gives a unit reporter their projects, not the office screens', () => {
    expect(titles(['reporter'])).toEqual(['/', '/inbox', '/projects', '/scores', '/meetings', '/resolutions'])
    expect(mayVisit('/projects/abc/report', ['reporter'])).toBe(true)
    expect(mayVisit('/accounts', ['reporter'])).toBe(false)
    expect(mayVisit('/plan', ['liaison'])).toBe(false)
  })
  it('gives a reviewer the review queue and a leader the dashboard', () => {
    expect(titles(['reviewer'])).toContain('/reviews')
    expect(titles(['leader'])).toEqual(['/', '/inbox', '/dashboard', '/projects', '/meetings'])
    expect(titles(['unit-admin'])).toContain('/accounts')
  })
  it('joins the menus of several roles', () => {
    expect(titles(['reporter', 'reviewer'])).toEqual(['/', '/inbox', '/projects', '/reviews', '/recognitions', '/scores', '/meetings', '/resolutions'])
  })
  it('gives the convener the agendas waiting for approval, and a unit its meetings and resolutions', () => {
    expect(titles(['convener'])).toEqual(['/', '/inbox', '/dashboard', '/projects', '/meetings', '/resolutions', '/approvals'])
    expect(titles(['liaison'])).toEqual(['/', '/inbox', '/projects', '/scores', '/meetings', '/resolutions'])
    expect(mayVisit('/meetings/abc', ['liaison'])).toBe(true)
    expect(mayVisit('/approvals', ['office'])).toBe(false)
    expect(mayVisit('/approvals', ['liaison'])).toBe(false)
  })
})
