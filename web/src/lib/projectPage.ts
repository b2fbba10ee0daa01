// Names and phrases of the project page (项目详情).

export const PLAN_CATEGORIES: Record<string, string> = {
  'new-start': '新开工',
  continuing: '续建',
  completion: '竣工',
}

export const OBSTACLE_CATEGORIES: Record<string, string> = {
  approvals: '审批手续',
  'land-and-demolition': '征地拆迁',
  land: '用地',
  utilities: '水电气等配套',
  construction: '施工组织',
  financing: '资金筹措',
  'business-environment': '营商环境',
  hiring: '用工',
  other: '其他',
}

export const OBSTACLE_STATUS: Record<string, string> = {
  open: '待解决',
  'in-progress': '推进中',
  resolved: '已解决',
  escalated: '已提请联席会议',
}

export interface PlanEntryLike {
  added_mid_year: boolean
  removed_on?: string | null
  removal_reason?: string | null
  planned_investment_10k: string
}

/**
 * The project's line in its year's plan as a sentence: undefined = the plan could not be read (not published,
 * or not for this person), null = not in the plan.
 */
export function planEntryText(entry: PlanEntryLike | null | undefined): string {
  if (entry === undefined) return '—'
  if (entry === null) return '未列入年度计划'
  if (entry.removed_on) return `已于 ${entry.removed_on} 调出计划${entry.removal_reason ? `（${entry.removal_reason}）` : ''}`
  return entry.added_mid_year ? '年中增补列入计划' : '列入年初计划'
}

/** An instant from the API (UTC, ISO 8601) as the person's local date and minute ("2026-12-07 02:39"). */
export function localMinute(instant: string, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant))
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`
}

/** An instant's local date ("2026-12-07"). */
export function localDay(instant: string, timeZone?: string): string {
  return localMinute(instant, timeZone).slice(0, 10)
}

const STATUS_REASONS: Record<string, string> = {
  'start recognised': '开工认定',
  'completion recognised': '竣工认定',
}

/** A status change's reason in Chinese where the API writes a fixed English one. */
export function statusReason(reason: string | null | undefined): string {
  if (!reason) return ''
  return STATUS_REASONS[reason] ?? reason
}
