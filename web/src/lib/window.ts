import { api, type Schemas } from '../api/client'
import { candidateMonths } from './months'

export type ReportingMonth = Schemas['ReportingMonthOut']

/** The reporting month a unit works on now: the open one, else the next to open, else the latest. */
export async function currentReportingMonth(now = new Date()): Promise<ReportingMonth | null> {
  const months: ReportingMonth[] = []
  for (const candidate of candidateMonths(now)) {
    const { data } = await api.GET('/api/v1/progress-reports/months/{year}/{month}', {
      params: { path: candidate },
    })
    if (data) months.push(data)
  }
  return (
    months.find((month) => month.state === 'open') ??
    months.find((month) => month.state === 'not-open') ??
    months[months.length - 1] ??
    null
  )
}
