import { describe, expect, it } from 'vitest'
import { countdown, workingDaysUntil } from '../src/lib/workdays'

// 2026-12-04 is a Friday.
const friday = new Date(2026, 11, 4, 9, 0)

describe('working days counted down', () => {
  it('skips the weekend', () => {
    expect(workingDaysUntil(friday, new Date(2026, 11, 7, 18, 0))).toBe(1)
    expect(workingDaysUntil(friday, new Date(2026, 11, 11, 0, 0))).toBe(5)
  })
  it('is zero on the same day and negative once passed', () => {
    expect(workingDaysUntil(friday, new Date(2026, 11, 4, 23, 0))).toBe(0)
    expect(workingDaysUntil(friday, new Date(2026, 11, 2, 0, 0))).toBe(-2)
  })
  it('words the countdown by urgency', () => {
    expect(countdown(friday, new Date(2026, 11, 4, 17, 0))).toMatchObject({ urgency: 'today', label: '今天截止' })
    expect(countdown(friday, new Date(2026, 11, 8, 0, 0))).toMatchObject({ urgency: 'soon', label: '还剩 2 个工作日' })
    expect(countdown(friday, new Date(2026, 11, 18, 0, 0)).urgency).toBe('later')
    expect(countdown(friday, new Date(2026, 11, 3, 0, 0))).toMatchObject({ urgency: 'overdue', label: '已逾期 1 个工作日' })
  })
})
