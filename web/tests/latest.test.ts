import { describe, expect, it } from 'vitest'
import { latestOnly } from '../src/lib/latest'

describe('latestOnly', () => {
  it('lets only the latest call apply its answer, whatever order the answers come in', async () => {
    const ask = latestOnly()
    const shown: string[] = []
    const load = async (filter: string, delay: number) => {
      const current = ask()
      await new Promise((resolve) => setTimeout(resolve, delay))
      if (current()) shown.push(filter)
    }
    await Promise.all([load('passed', 30), load('submitted', 1)])
    expect(shown).toEqual(['submitted'])
  })
  it('applies the answer of a call no later call followed', async () => {
    const ask = latestOnly()
    const current = ask()
    expect(current()).toBe(true)
  })
})
