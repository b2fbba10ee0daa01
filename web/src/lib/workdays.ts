// Working days counted down to a deadline, as the console shows them ("还剩 3 个工作日").
// The days are those of the API's working-day calendar (GET /api/v1/calendar/{year}: holidays on weekdays and
// 调休 weekends worked), fetched once per year needed and kept; until a year's calendar is loaded (or when it
// cannot be), its working days are Monday to Friday.
import { shallowRef } from 'vue'
import { api } from '../api/client'
import type { Schemas } from '../api/client'

export type YearCalendar = Schemas['CalendarOut']
export type CalendarSource = (year: number) => Promise<YearCalendar | undefined>

const DAY_MS = 24 * 60 * 60 * 1000

interface Departures {
  daysOff: Set<string>
  workingWeekends: Set<string>
}

const loaded = new Map<number, Departures>()
const pending = new Map<number, Promise<void>>()
/** Bumped when a year's calendar arrives: countdowns read it, so the views showing them count again. */
const calendarsLoaded = shallowRef(0)

async function fromApi(year: number): Promise<YearCalendar | undefined> {
  const { data } = await api.GET('/api/v1/calendar/{year}', { params: { path: { year } } })
  return data
}

let source: CalendarSource = fromApi

/** Where the calendars come from (the API unless replaced); forgets the years loaded so far. */
export function setCalendarSource(next: CalendarSource): void {
  source = next
  loaded.clear()
  pending.clear()
  calendarsLoaded.value += 1
}

/** Keeps a year's calendar; the countdowns count with it from now on. */
export function useCalendar(calendar: YearCalendar): void {
  loaded.set(calendar.year, {
    daysOff: new Set(calendar.days_off),
    workingWeekends: new Set(calendar.working_weekends),
  })
  calendarsLoaded.value += 1
}

/** Loads the years' calendars not yet loaded, each once; a year that fails stays Monday-Friday (tried again later). */
export function loadCalendars(years: Iterable<number>): Promise<void> {
  const waits: Promise<void>[] = []
  for (const year of new Set(years)) {
    if (loaded.has(year)) continue
    let wait = pending.get(year)
    if (!wait) {
      wait = source(year)
        .then((calendar) => {
          if (calendar) useCalendar(calendar)
        })
        .catch(() => undefined)
        .finally(() => pending.delete(year))
      pending.set(year, wait)
    }
    waits.push(wait)
  }
  return Promise.all(waits).then(() => undefined)
}

function startOfDay(value: Date): Date {
  return new Date(value.getFullYear(), value.getMonth(), value.getDate())
}

function isoDate(day: Date): string {
  const month = String(day.getMonth() + 1).padStart(2, '0')
  return `${day.getFullYear()}-${month}-${String(day.getDate()).padStart(2, '0')}`
}

export function isWeekday(day: Date): boolean {
  const weekday = day.getDay()
  return weekday !== 0 && weekday !== 6
}

/** A working day by the year's calendar when loaded, Monday to Friday otherwise. */
export function isWorkingDay(day: Date): boolean {
  const calendar = loaded.get(day.getFullYear())
  if (!calendar) return isWeekday(day)
  const key = isoDate(day)
  if (isWeekday(day)) return !calendar.daysOff.has(key)
  return calendar.workingWeekends.has(key)
}

/** Working days from today (not counted) up to and including the deadline's day; negative when overdue. */
export function workingDaysUntil(now: Date, deadline: Date): number {
  const from = startOfDay(now)
  const to = startOfDay(deadline)
  const sign = to >= from ? 1 : -1
  void calendarsLoaded.value // a view counting this recounts when a calendar arrives
  void loadCalendars(yearsBetween(from, to))
  let count = 0
  // bounded: one step per day between the two dates, at most ten years of them
  const days = Math.min(Math.round(Math.abs(to.getTime() - from.getTime()) / DAY_MS), 3660)
  for (let step = 1; step <= days; step += 1) {
    const day = new Date(from.getFullYear(), from.getMonth(), from.getDate() + sign * step)
    if (isWorkingDay(day)) count += 1
  }
  return sign * count
}

function yearsBetween(a: Date, b: Date): number[] {
  const first = Math.min(a.getFullYear(), b.getFullYear())
  const last = Math.min(Math.max(a.getFullYear(), b.getFullYear()), first + 10)
  return Array.from({ length: last - first + 1 }, (_, index) => first + index)
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
