import { describe, expect, it } from 'vitest'
import { byAlarm, warningReason } from '../src/lib/warnings'

const base = { completion_share_percent: '0.00', benchmark_percent: '91.67', month: 11 }

describe('a warning told in Chinese', () => {
  it('says a new start is not started after its planned start', () => {
    expect(warningReason({ ...base, reason: 'not started after the planned start 2026-03-01' })).toBe(
      '计划开工日期 2026-03-01 已过仍未开工；完成年度计划 0.00%，序时进度 91.67%（截至11月）',
    )
  })
  it('says how many points it lies behind the benchmark', () => {
    expect(warningReason({ ...base, completion_share_percent: '50.00', reason: '41.67 points behind the time-schedule benchmark' })).toBe(
      '落后序时进度 41.67 个百分点；完成年度计划 50.00%，序时进度 91.67%（截至11月）',
    )
  })
  it('says ahead, on schedule, or nothing planned', () => {
    expect(warningReason({ ...base, reason: 'ahead of the time-schedule benchmark' })).toMatch(/^超过序时进度；/)
    expect(warningReason({ ...base, reason: 'on schedule' })).toBe('完成年度计划 0.00%，序时进度 91.67%（截至11月）')
    expect(warningReason({ ...base, reason: 'nothing planned this year' })).toBe('本年度无计划投资')
  })
})

describe('the alarm order', () => {
  it('puts red first, then yellow, then green', () => {
    const rows = [
      { colour: 'green' as const, project_name: '甲' },
      { colour: 'red' as const, project_name: '乙' },
      { colour: 'yellow' as const, project_name: '丙' },
    ]
    expect(byAlarm(rows).map((row) => row.colour)).toEqual(['red', 'yellow', 'green'])
  })
})
