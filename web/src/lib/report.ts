// The figures beside the monthly report form: year to date, plan to date, this month's plan.
import { sumWan } from './money'

interface ReportLike {
  year: number
  month: number
  completed_10k: string
  adjustment_10k?: string
}

/** Investment completed this year before the given month (the reports of the earlier months). */
export function yearToDateBefore(reports: ReportLike[], year: number, month: number): string {
  const earlier = reports.filter((report) => report.year === year && report.month < month)
  return sumWan(earlier.flatMap((report) => [report.completed_10k, report.adjustment_10k ?? '0']))
}

/** The plan up to and including the month, from the twelve monthly amounts; null without a monthly plan. */
export function planToDate(plannedByMonth: readonly string[] | null | undefined, month: number): string | null {
  if (!plannedByMonth || plannedByMonth.length !== 12) return null
  return sumWan(plannedByMonth.slice(0, month))
}
