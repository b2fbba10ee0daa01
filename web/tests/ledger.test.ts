import { describe, expect, it } from 'vitest'
import { mayEscalate, nextStatuses, OBSTACLE_CATEGORIES } from '../src/lib/ledger'

describe('the ledger obstacle states', () => {
  it('moves an open or in-progress obstacle to the other states', () => {
    expect(nextStatuses('open')).toEqual(['in-progress', 'resolved'])
    expect(nextStatuses('in-progress')).toEqual(['open', 'resolved'])
  })
  it('only resolves an escalated obstacle and closes a resolved one', () => {
    expect(nextStatuses('escalated')).toEqual(['resolved'])
    expect(nextStatuses('resolved')).toEqual([])
  })
  it('escalates only what is still open', () => {
    expect([mayEscalate('open'), mayEscalate('in-progress'), mayEscalate('escalated'), mayEscalate('resolved')]).toEqual([true, true, false, false])
  })
  it('names every category of the API in Chinese', () => {
    expect(Object.keys(OBSTACLE_CATEGORIES).sort()).toEqual(
      ['approvals', 'business-environment', 'construction', 'financing', 'hiring', 'land', 'land-and-demolition', 'other', 'utilities'].sort(),
    )
  })
})
