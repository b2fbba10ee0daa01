import { describe, expect, it } from 'vitest'
import { assessedKind, awardName, explanationSteps, formatPoints, itemCell, itemColumns, notApplicable } from '../src/lib/scores'

describe('points as the sheets print them', () => {
  it('keeps at most two decimals and drops trailing zeros', () => {
    expect(formatPoints(12.5)).toBe('12.5')
    expect(formatPoints(35)).toBe('35')
    expect(formatPoints('7.125')).toBe('7.13')
    expect(formatPoints(-1)).toBe('-1')
    expect(formatPoints(null)).toBe('—')
    expect(formatPoints('abc')).toBe('—')
  })
  it('names the awards, and none as a dash', () => {
    expect(awardName('first')).toBe('一等奖')
    expect(awardName('advanced')).toBe('先进单位')
    expect(awardName(null)).toBe('—')
  })
  it('scores zones on the county sheet (A9) and offices on none', () => {
    expect(assessedKind('zone')).toBe('county')
    expect(assessedKind('department')).toBe('department')
    expect(assessedKind('office')).toBeNull()
  })
})

describe('a line of the sheet explained', () => {
  it('splits the arithmetic into its steps, the result on the last', () => {
    const text =
      '完成投资 completed 500/1000 万元 = 50% × 35 = 17.5; 扣分 deductions: 1 project below 80% -5 (少于5个项目 fewer than 5 key projects) → 12.5'
    expect(explanationSteps(text)).toEqual([
      '完成投资 completed 500/1000 万元 = 50% × 35 = 17.5',
      '扣分 deductions: 1 project below 80% -5 (少于5个项目 fewer than 5 key projects) → 12.5',
    ])
    expect(explanationSteps('no key project → not applicable')).toEqual(['no key project → not applicable'])
  })
  it('names the lines that do not apply (A5)', () => {
    const lines = [
      { id: 'C1.1', points: 12.5, standard: 35, applicable: true },
      { id: 'C2.1', points: 0, standard: 15, applicable: false },
      { id: 'C2.2', points: 0, standard: 20, applicable: false },
    ]
    expect(notApplicable(lines)).toEqual(['C2.1', 'C2.2'])
    expect(notApplicable(lines.slice(0, 1))).toEqual([])
  })
})

describe('the standings table', () => {
  const rows = [
    { items: [{ id: 'C1.1', points: 35, applicable: true }, { id: 'C2.1', points: 0, applicable: false }] },
  ]
  it('takes its columns from the first sheet', () => {
    expect(itemColumns(rows)).toEqual(['C1.1', 'C2.1'])
    expect(itemColumns([])).toEqual([])
  })
  it('shows an item that does not apply as such', () => {
    expect(itemCell(rows[0].items, 'C1.1')).toBe('35')
    expect(itemCell(rows[0].items, 'C2.1')).toBe('不适用')
    expect(itemCell(rows[0].items, 'C9')).toBe('—')
  })
})
