// Which month a person reports now: the month whose window is open, else the one opening next.
export interface YearMonth {
  year: number
  month: number
}

export function previousMonth({ year, month }: YearMonth): YearMonth {
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 }
}

export function thisMonth(now: Date): YearMonth {
  return { year: now.getFullYear(), month: now.getMonth() + 1 }
}

/** The two months whose windows may be open today (a month's window runs into the next): last month first. */
export function candidateMonths(now: Date): YearMonth[] {
  const current = thisMonth(now)
  return [previousMonth(current), current]
}

export function monthLabel({ year, month }: YearMonth): string {
  return `${year}年${month}月`
}

export const MONTH_STATES: Record<string, string> = {
  'not-open': '未开放',
  open: '填报中',
  closed: '已截止',
  frozen: '已冻结',
}
