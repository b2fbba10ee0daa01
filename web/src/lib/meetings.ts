// The joint meeting's workflow as the console shows it (meeting-rules.md; the API's meetings/rules.py): the
// steps before meeting day D (topics close at the end of D-10, the agenda goes to the convener by the end of D-7,
// approved and circulated at D-3), the words for its states, and the escalation ladder of overdue resolutions.
// The deadlines themselves are the API's (calendar days, Asia/Shanghai); the console counts down to them in
// working days (lib/workdays).
import type { Schemas } from '../api/client'
import { countdown, type Urgency } from './workdays'

export type Meeting = Schemas['MeetingOut']

export const MEETING_STATES: Record<string, string> = {
  scheduled: '已排期',
  collecting_topics: '征集议题中',
  drafting_agenda: '拟定议程中',
  awaiting_approval: '待召集人审定',
  approved: '议程已审定',
  circulated: '议程已印发',
  held: '已召开',
  minutes_published: '纪要已印发',
  closed: '已闭环',
  cancelled: '已取消',
}

export const TOPIC_CATEGORIES: Record<string, string> = {
  approvals: '审批手续',
  'land-and-demolition': '征地拆迁',
  land: '土地',
  utilities: '水电路气',
  construction: '项目建设',
  financing: '融资贷款',
  'business-environment': '营商环境',
  hiring: '用工',
  other: '其他',
}

export const TOPIC_STATUS: Record<string, string> = {
  draft: '草稿',
  submitted: '已报送',
  withdrawn: '已撤回',
  rejected: '不予上会',
  merged: '已合并',
}

export const AGENDA_STATUS: Record<string, string> = {
  draft: '拟定中',
  submitted: '已报送审定',
  approved: '已审定',
  returned: '已退回修改',
  circulated: '已印发',
}

export const RESOLUTION_STATUS: Record<string, string> = { open: '办理中', closed: '已办结' }

export const FEEDBACK_STATUS: Record<string, string> = {
  'in-progress': '正在办理',
  done: '已完成',
  'cannot-complete': '无法完成',
}

export const FEEDBACK_REVIEW: Record<string, string> = { pending: '待核验', accepted: '已核验', returned: '已退回' }

/** The escalation ladder of an overdue resolution, one level at a time (meetings/rules.py ESCALATION_LADDER). */
export const ESCALATION_LADDER = [
  { level: 'reminder', label: '提醒' },
  { level: 'urging', label: '催办' },
  { level: 'supervision', label: '督办' },
  { level: 'convener-report', label: '报告召集人' },
] as const

export type EscalationLevel = (typeof ESCALATION_LADDER)[number]['level']

export interface Rung {
  level: EscalationLevel
  label: string
  reached: boolean
}

/** The ladder with the rungs a resolution has reached (`escalation_step`: 0 none, 1 the first, …). */
export function ladder(step: number): Rung[] {
  return ESCALATION_LADDER.map((rung, index) => ({ ...rung, reached: index < step }))
}

/** The next rung the office may escalate to, or null at the top. */
export function nextRung(step: number): Rung | null {
  const rung = ESCALATION_LADDER[step]
  return rung ? { ...rung, reached: false } : null
}

// the order of the states a meeting goes through (cancelled is outside it)
const ORDER = [
  'scheduled',
  'collecting_topics',
  'drafting_agenda',
  'awaiting_approval',
  'approved',
  'circulated',
  'held',
  'minutes_published',
  'closed',
]

/** Whether the meeting has reached `state` (or gone past it); a cancelled meeting reaches nothing more. */
export function reached(meeting: Pick<Meeting, 'state'>, state: string): boolean {
  const at = ORDER.indexOf(meeting.state)
  return at >= 0 && at >= ORDER.indexOf(state)
}

export type MilestoneKey = 'topics' | 'agenda' | 'circulation' | 'meeting'

export interface Milestone {
  key: MilestoneKey
  /** D-10, D-7, D-3 (an ad hoc meeting's own windows), D */
  code: string
  title: string
  who: string
  /** the calendar day of the step, YYYY-MM-DD */
  day: string
  /** the API's deadline instant */
  at: Date
  done: boolean
  /** the first step not yet done, while the meeting goes on */
  current: boolean
  /** passed and not done */
  late: boolean
  /** the countdown in working days, for the steps not done */
  countdown: { label: string; urgency: Urgency } | null
}

/** YYYY-MM-DD `days` calendar days after (negative: before) the day `iso`. */
export function addDays(iso: string, days: number): string {
  const [year, month, day] = iso.split('-').map(Number)
  const moved = new Date(Date.UTC(year, month - 1, day + days))
  return moved.toISOString().slice(0, 10)
}

/** The meeting's four steps with their days, what is done and the countdown to the next. */
export function milestones(meeting: Meeting, now: Date): Milestone[] {
  const d = meeting.held_on
  const steps = [
    {
      key: 'topics' as const,
      code: `D-${meeting.topic_days}`,
      title: '议题报送截止',
      who: '成员单位',
      day: addDays(d, -meeting.topic_days),
      at: new Date(meeting.deadlines.topics_close_at),
      done: reached(meeting, 'drafting_agenda'),
    },
    {
      key: 'agenda' as const,
      code: `D-${meeting.agenda_days}`,
      title: '议程报送召集人',
      who: '联席会议办公室',
      day: addDays(d, -meeting.agenda_days),
      at: new Date(meeting.deadlines.agenda_due_at),
      done: reached(meeting, 'awaiting_approval'),
    },
    {
      key: 'circulation' as const,
      code: `D-${meeting.circulation_days}`,
      title: '议程审定并印发',
      who: '召集人、办公室',
      day: addDays(d, -meeting.circulation_days),
      at: new Date(meeting.deadlines.circulation_at),
      done: reached(meeting, 'circulated'),
    },
    {
      key: 'meeting' as const,
      code: 'D',
      title: '召开会议',
      who: '全体成员单位',
      day: d,
      at: new Date(`${d}T09:00:00+08:00`),
      done: reached(meeting, 'held'),
    },
  ]
  const going = meeting.state !== 'cancelled'
  const firstOpen = going ? steps.findIndex((step) => !step.done) : -1
  return steps.map((step, index) => ({
    ...step,
    current: index === firstOpen,
    late: going && !step.done && step.at.getTime() <= now.getTime(),
    // an end-of-day deadline is the next day's 00:00: count to the last instant of its own day
    countdown: going && !step.done ? countdown(now, new Date(step.at.getTime() - 1)) : null,
  }))
}

/** Whether a unit may still send a topic in time (the API decides; this only says so beside the form). */
export function topicsOpen(meeting: Meeting, now: Date): boolean {
  return (
    (meeting.state === 'scheduled' || meeting.state === 'collecting_topics') &&
    now.getTime() < new Date(meeting.deadlines.topics_close_at).getTime()
  )
}

const pad = (value: number) => String(value).padStart(2, '0')

/** A deadline as people say it: the end of a day reads "1月11日 24:00", not the next day's 00:00. */
export function formatDeadline(instant: string | Date): string {
  let at = new Date(instant)
  let time = `${pad(at.getHours())}:${pad(at.getMinutes())}`
  if (time === '00:00') {
    at = new Date(at.getTime() - 1)
    time = '24:00'
  }
  return `${at.getFullYear()}年${at.getMonth() + 1}月${at.getDate()}日 ${time}`
}

/** A day (YYYY-MM-DD) in Chinese with its weekday: "2027年1月21日（星期四）". */
export function formatDay(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number)
  const weekday = '日一二三四五六'[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]
  return `${year}年${month}月${day}日（星期${weekday}）`
}

interface ProblemLike {
  title_zh?: string
  detail?: string | null
  deadline?: string | null
  errors?: { message_zh?: string; message?: string; field?: string }[]
}

/** The Chinese of a refusal: its Chinese title, the Chinese part of its detail (the API writes it in brackets
 * after the English), the field messages in Chinese, and the deadline it names. */
export function refusalText(error: unknown, fallback = '操作失败，请稍后重试'): string {
  if (!error || typeof error !== 'object') return fallback
  const problem = error as ProblemLike
  const parts: string[] = []
  if (problem.title_zh) parts.push(problem.title_zh)
  const chinese = /[（(]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）][.。]?\s*$/.exec(problem.detail ?? '')
  if (chinese && !parts.includes(chinese[1])) parts.push(chinese[1])
  for (const item of problem.errors ?? []) if (item.message_zh) parts.push(item.message_zh)
  let text = parts.join('：') || fallback
  if (problem.deadline) text += `（截止时间：${formatDeadline(problem.deadline)}）`
  return text
}
