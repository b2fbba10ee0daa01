import { describe, expect, it } from 'vitest'
import { formatPercent, formatWan, parseWan, sumWan } from '../src/lib/money'
import { planToDate, yearToDateBefore } from '../src/lib/report'

describe('amounts in 万元', () => {
  it('formats with grouping and two decimals', () => {
    expect(formatWan('12345.6')).toBe('12,345.60 万元')
    expect(formatWan(0, false)).toBe('0.00')
    expect(formatWan(null)).toBe('—')
    expect(formatWan('abc')).toBe('—')
  })
  it('parses what a person types', () => {
    expect(parseWan('1,234.5')).toBe('1234.5')
    expect(parseWan(' 0012 ')).toBe('12')
    expect(parseWan('1.234')).toBeNull()
    expect(parseWan('十万')).toBeNull()
  })
  it('sums exactly to the fen', () => {
    expect(sumWan(['0.1', '0.2'])).toBe('0.30')
    expect(sumWan(['100', '-0.05', null])).toBe('99.95')
  })
  it('formats percentages', () => {
    expect(formatPercent('37.50')).toBe('37.5%')
    expect(formatPercent(undefined)).toBe('—')
  })
  it('adds the year to date and the plan to date beside the form', () => {
    const reports = [
      { year: 2026, month: 10, completed_10k: '100.00', adjustment_10k: '0' },
      { year: 2026, month: 11, completed_10k: '50.25', adjustment_10k: '-0.25' },
      { year: 2026, month: 12, completed_10k: '999' },
    ]
    expect(yearToDateBefore(reports, 2026, 12)).toBe('150.00')
    expect(planToDate(Array(12).fill('10'), 3)).toBe('30.00')
    expect(planToDate(null, 3)).toBeNull()
  })
})
