// A key project's colour against the time-schedule benchmark (预警, projects-api early_warning/rules.py) as the
// console says it: the colour's name, and the API's reason (written in English) told in Chinese.
import type { Schemas } from '../api/client'

export type Warning = Schemas['WarningOut']
export type Colour = Warning['colour']

export const COLOUR_NAMES: Record<Colour, string> = { red: '红色预警', yellow: '黄色预警', green: '正常' }
export const COLOUR_TAGS: Record<Colour, 'danger' | 'warning' | 'success'> = { red: 'danger', yellow: 'warning', green: 'success' }

/** The reason in Chinese, with the completed share beside the benchmark (序时进度). */
export function warningReason(warning: Pick<Warning, 'reason' | 'completion_share_percent' | 'benchmark_percent' | 'month'>): string {
  const shares = `完成年度计划 ${warning.completion_share_percent}%，序时进度 ${warning.benchmark_percent}%（截至${warning.month}月）`
  const notStarted = /^not started after the planned start (\d{4}-\d{2}-\d{2})/.exec(warning.reason)
  if (notStarted) return `计划开工日期 ${notStarted[1]} 已过仍未开工；${shares}`
  const behind = /^(-?[\d.]+) points behind/.exec(warning.reason)
  if (behind) return `落后序时进度 ${behind[1]} 个百分点；${shares}`
  if (warning.reason.startsWith('ahead')) return `超过序时进度；${shares}`
  if (warning.reason === 'nothing planned this year') return '本年度无计划投资'
  return shares
}

/** Red first, then yellow, then green; by name within a colour. */
export function byAlarm<T extends Pick<Warning, 'colour' | 'project_name'>>(warnings: readonly T[]): T[] {
  const rank: Record<Colour, number> = { red: 0, yellow: 1, green: 2 }
  return [...warnings].sort((a, b) => rank[a.colour] - rank[b.colour] || a.project_name.localeCompare(b.project_name, 'zh-CN'))
}
