// Working days counted down to a deadline, as the console shows them ("还剩 3 个工作日").
// The API publishes no holiday calendar (gongjian_shared.workdays knows 调休 server-side only), so the console
// counts Monday to Friday; a deadline on a public holiday may be off by the holiday's days.

const DAY_MS = 24 * 60 * 60 * 1000

function startOfDay(value: Date): Date {
  return new Date(value.getFullYear(), value.getMonth(), value.getDate())
}

export function isWeekday(day: Date): boolean {
  const weekday = day.getDay()
  return weekday !== 0 && weekday !== 6
}

/** Working days from today (not counted) up to and including the deadline's day; negative when overdue. */
export function workingDaysUntil(now: Date, deadline: Date): number {
  const from = startOfDay(now)
  const to = startOfDay(deadline)
  const sign = to >= from ? 1 : -1
  let count = 0
  // bounded: one step per day between the two dates, at most ten years of them
  const days = Math.min(Math.round(Math.abs(to.getTime() - from.getTime()) / DAY_MS), 3660)
  for (let step = 1; step <= days; step += 1) {
    const day = new Date(from.getFullYear(), from.getMonth(), from.getDate() + sign * step)
    if (isWeekday(day)) count += 1
  }
  return sign * count
}

export type Urgency = 'overdue' | 'today' | 'soon' | 'later'

export interface Countdown {
  workingDays: number
  urgency: Urgency
  label: string
}

/** The countdown's words and colour class: overdue, due today, within 3 working days, later. */
export function countdown(now: Date, deadline: Date): Countdown {
  if (deadline.getTime() <= now.getTime()) {
    const late = Math.max(1, -workingDaysUntil(now, deadline))
    return { workingDays: -late, urgency: 'overdue', label: `已逾期 ${late} 个工作日` }
  }
  const workingDays = workingDaysUntil(now, deadline)
  if (workingDays === 0) return { workingDays, urgency: 'today', label: '今天截止' }
  const urgency: Urgency = workingDays <= 3 ? 'soon' : 'later'
  return { workingDays, urgency, label: `还剩 ${workingDays} 个工作日` }
}
