import { describe, expect, it } from 'vitest'
import { mayVisit, menuFor } from '../src/lib/menu'

const titles = (roles: string[]) => menuFor(roles).map((entry) => entry.path)

describe('the menu by role', () => {
  it('gives the office every screen', () => {
    expect(titles(['office'])).toEqual(['/', '/inbox', '/dashboard', '/projects', '/reviews', '/plan', '/months', '/accounts', '/recognitions', '/reporting', '/scores', '/meetings', '/resolutions', '/ledger', '/exchange', '/deliveries'])
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
    expect(titles(['reporter'])).toEqual(['/', '/inbox', '/projects', '/scores', '/meetings', '/resolutions', '/ledger'])
    expect(mayVisit('/projects/abc/report', ['reporter'])).toBe(true)
    expect(mayVisit('/accounts', ['reporter'])).toBe(false)
    expect(mayVisit('/plan', ['liaison'])).toBe(false)
  })
  it('gives a reviewer the review queue and a leader the dashboard', () => {
    expect(titles(['reviewer'])).toContain('/reviews')
    expect(titles(['leader'])).toEqual(['/', '/inbox', '/dashboard', '/projects', '/meetings', '/leader', '/ledger'])
    expect(titles(['unit-admin'])).toContain('/accounts')
  })
  it('joins the menus of several roles', () => {
    expect(titles(['reporter', 'reviewer'])).toEqual(['/', '/inbox', '/projects', '/reviews', '/recognitions', '/scores', '/meetings', '/resolutions', '/ledger'])
  })
  it('gives the convener the agendas waiting for approval, and a unit its meetings and resolutions', () => {
    expect(titles(['convener'])).toEqual(['/', '/inbox', '/dashboard', '/projects', '/meetings', '/resolutions', '/approvals', '/leader', '/ledger'])
    expect(titles(['liaison'])).toEqual(['/', '/inbox', '/projects', '/scores', '/meetings', '/resolutions', '/ledger'])
    expect(mayVisit('/meetings/abc', ['liaison'])).toBe(true)
    expect(mayVisit('/approvals', ['office'])).toBe(false)
    expect(mayVisit('/approvals', ['liaison'])).toBe(false)
  })
  it('gives a leader and the convener their page, and every unit person the ledger', () => {
    expect(mayVisit('/leader', ['leader'])).toBe(true)
    expect(mayVisit('/leader', ['convener'])).toBe(true)
    expect(mayVisit('/leader', ['office'])).toBe(false)
    expect(mayVisit('/leader', ['reporter'])).toBe(false)
    for (const role of ['office', 'admin', 'reporter', 'liaison', 'unit-admin', 'reviewer', 'leader', 'convener']) {
      expect(mayVisit('/ledger', [role])).toBe(true)
    }
    expect(mayVisit('/ledger', ['service'])).toBe(false)
  })
})
