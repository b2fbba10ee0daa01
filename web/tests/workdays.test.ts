import { beforeEach, describe, expect, it } from 'vitest'
import {
  countdown,
  loadCalendars,
  setCalendarSource,
  workingDaysUntil,
  type YearCalendar,
} from '../src/lib/workdays'

// 2026-12-04 is a Friday.
const friday = new Date(2026, 11, 4, 9, 0)

// GET /api/v1/calendar/2026 as projects-api answers it (gongjian_shared.workdays, the State Council's notice).
const calendar2026: YearCalendar = {
  year: 2026,
  official: true,
  days_off: [
    '2026-01-01', '2026-01-02', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20',
    '2026-02-23', '2026-04-06', '2026-05-01', '2026-05-04', '2026-05-05', '2026-06-19', '2026-09-25',
    '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07',
  ],
  working_weekends: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
}

let asked: number[] = []

beforeEach(() => {
  asked = []
  setCalendarSource(async (year) => {
    asked.push(year)
    return year === 2026 ? calendar2026 : undefined
  })
})

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

describe('working days by the published calendar', () => {
  // Wednesday 30 September to Thursday 8 October 2026: 国庆 takes 1, 2, 5, 6 and 7 October off.
  const beforeNationalDay = new Date(2026, 8, 30, 9, 0)
  const afterNationalDay = new Date(2026, 9, 8, 17, 0)

  it('counts Monday to Friday until the year is loaded, then the calendar, fetched once', async () => {
    expect(workingDaysUntil(beforeNationalDay, afterNationalDay)).toBe(6)
    await loadCalendars([2026])
    expect(workingDaysUntil(beforeNationalDay, afterNationalDay)).toBe(1)
    expect(countdown(beforeNationalDay, afterNationalDay)).toMatchObject({ urgency: 'soon', label: '还剩 1 个工作日' })
    await loadCalendars([2026, 2026])
    expect(asked).toEqual([2026])
  })
  it('counts a 调休 Saturday worked', async () => {
    await loadCalendars([2026])
    // Friday 9 October to Monday 12 October: Saturday the 10th is worked (调休上班).
    expect(workingDaysUntil(new Date(2026, 9, 9, 9, 0), new Date(2026, 9, 12, 9, 0))).toBe(2)
    // Overdue counts back across the holiday: 10 (调休), 9, 8 October, then 30 September.
    expect(workingDaysUntil(new Date(2026, 9, 11, 9, 0), new Date(2026, 8, 30, 9, 0))).toBe(-4)
  })
  it('stays Monday to Friday for a year the API does not answer, and asks for it again later', async () => {
    await loadCalendars([2025, 2026])
    // Tuesday 30 December 2025 to Monday 5 January 2026: the 31st counted Monday-Friday (2025 not answered);
    // 1 and 2 January off, Sunday 4 January worked.
    expect(workingDaysUntil(new Date(2025, 11, 30, 9, 0), new Date(2026, 0, 5, 9, 0))).toBe(3)
    expect(asked).toEqual([2025, 2026, 2025])
  })
})
