// What a signed-in person owes and by when (the home page, 我的待办): the open month's reports still to file for
// their unit's projects and those returned to correct, the topics closing for the next joint meeting (D-10),
// the resolutions their unit must answer and the ledger obstacles it must clear. Pure: the views fetch the
// lists through the API and these functions decide what is owed; the countdown is lib/workdays'.
import type { Schemas } from '../api/client'
import { formatDeadline } from './meetings'
import { monthLabel } from './months'
import { countdown, type Urgency } from './workdays'

export type OwedKind = 'report' | 'returned' | 'topics' | 'resolution' | 'obstacle' | 'agenda' | 'review' | 'missing' | 'ack'

export interface Owed {
  key: string
  kind: OwedKind
  what: string
  /** the instant it is due; null: no deadline */
  deadline: Date | null
  link?: string
}

export const OWED_KINDS: Record<OwedKind, string> = {
  report: '月报',
  returned: '退回修改',
  topics: '联席会议议题',
  resolution: '议定事项',
  obstacle: '攻坚台帐',
  agenda: '议程审定',
  review: '审核',
  missing: '报送情况',
  ack: '回执',
}

type Project = Pick<Schemas['ProjectOut'], 'id' | 'name' | 'kind' | 'status'>
type Report = Pick<Schemas['ProgressReportOut'], 'id' | 'project_id' | 'status' | 'returned_reason'>
type Month = Pick<Schemas['ReportingMonthOut'], 'year' | 'month' | 'state' | 'closes_at' | 'cut_off_at'>
type Meeting = Pick<Schemas['MeetingOut'], 'id' | 'title' | 'state' | 'held_on' | 'deadlines'>
type Resolution = Pick<Schemas['ResolutionOut'], 'id' | 'number' | 'text' | 'lead_unit_id' | 'supporting_unit_ids' | 'due_on' | 'status'>
type Obstacle = Pick<Schemas['ObstacleOut'], 'id' | 'project_id' | 'unit_id' | 'description' | 'due_on' | 'status'>

/** The end of a calendar day (YYYY-MM-DD) in Asia/Shanghai, where the platform's days are: the next day's 00:00. */
export function endOfDay(iso: string): Date {
  const [year, month, day] = iso.split('-').map(Number)
  return new Date(Date.UTC(year, month - 1, day + 1) - 8 * 60 * 60 * 1000)
}

/** The open month's key projects without a report yet (填报), and the reports returned to correct (退回). */
export function reportsOwed(month: Month, projects: readonly Project[], reports: readonly Report[]): Owed[] {
  if (month.state !== 'open') return []
  const reported = new Set(reports.map((report) => report.project_id))
  const owed: Owed[] = projects
    .filter((project) => project.kind === 'key' && project.status !== 'removed' && !reported.has(project.id))
    .map((project) => ({
      key: `report-${project.id}`,
      kind: 'report',
      what: `填报「${project.name}」${monthLabel(month)}月报`,
      deadline: new Date(month.closes_at),
      link: `/projects/${project.id}/report`,
    }))
  const names = new Map(projects.map((project) => [project.id, project.name]))
  for (const report of reports) {
    if (report.status !== 'returned') continue
    const name = names.get(report.project_id)
    owed.push({
      key: `returned-${report.id}`,
      kind: 'returned',
      what: `${name ? `「${name}」` : ''}月报被退回，需修改后重报：${report.returned_reason ?? ''}`,
      deadline: new Date(month.cut_off_at),
      link: `/projects/${report.project_id}/report`,
    })
  }
  return owed
}

/** The meetings still taking topics (征集议题中) whose D-10 cut-off has not passed, the nearest first. */
export function topicsClosing(meetings: readonly Meeting[], now: Date): Owed[] {
  return meetings
    .filter((meeting) => meeting.state === 'collecting_topics')
    .filter((meeting) => new Date(meeting.deadlines.topics_close_at).getTime() > now.getTime())
    .sort((a, b) => a.deadlines.topics_close_at.localeCompare(b.deadlines.topics_close_at))
    .map((meeting) => ({
      key: `topics-${meeting.id}`,
      kind: 'topics',
      what: `「${meeting.title}」议题报送截止（${formatDeadline(meeting.deadlines.topics_close_at)}）`,
      // an end-of-day cut-off is the next day's 00:00: count to the last instant of its own day
      deadline: new Date(new Date(meeting.deadlines.topics_close_at).getTime() - 1),
      link: `/meetings/${meeting.id}`,
    }))
}

/** The agendas the office has sent the convener (待召集人审定), due for approval by D-7's deadline. */
export function agendasAwaiting(meetings: readonly Meeting[]): Owed[] {
  return meetings
    .filter((meeting) => meeting.state === 'awaiting_approval')
    .map((meeting) => ({
      key: `agenda-${meeting.id}`,
      kind: 'agenda',
      what: `审定「${meeting.title}」议程`,
      deadline: new Date(meeting.deadlines.approval_due_at),
      link: '/approvals',
    }))
}

/** The open resolutions the unit leads (牵头) or supports (配合): it answers them by their due day. */
export function resolutionsOwed(resolutions: readonly Resolution[], unitId: string | null | undefined): Owed[] {
  if (!unitId) return []
  return resolutions
    .filter((resolution) => resolution.status === 'open')
    .filter((resolution) => resolution.lead_unit_id === unitId || resolution.supporting_unit_ids.includes(unitId))
    .map((resolution) => ({
      key: `resolution-${resolution.id}`,
      kind: 'resolution',
      what: `${resolution.lead_unit_id === unitId ? '牵头' : '配合'}办理议定事项第${resolution.number}号：${resolution.text}`,
      deadline: new Date(endOfDay(resolution.due_on).getTime() - 1),
      link: '/resolutions',
    }))
}

/** The unit's own obstacles still open (待解决、推进中) that carry a due day (办结时限). */
export function obstaclesOwed(obstacles: readonly Obstacle[], unitId: string | null | undefined, projectNames: ReadonlyMap<string, string>): Owed[] {
  if (!unitId) return []
  return obstacles
    .filter((obstacle) => obstacle.unit_id === unitId && obstacle.due_on !== null)
    .filter((obstacle) => obstacle.status === 'open' || obstacle.status === 'in-progress')
    .map((obstacle) => ({
      key: `obstacle-${obstacle.id}`,
      kind: 'obstacle',
      what: `解决台帐问题${projectNames.has(obstacle.project_id) ? `（${projectNames.get(obstacle.project_id)}）` : ''}：${obstacle.description}`,
      deadline: new Date(endOfDay(obstacle.due_on as string).getTime() - 1),
      link: '/ledger',
    }))
}

/** Soonest first; what has no deadline last; ties in a stable order (by key). */
export function byDeadline(items: readonly Owed[]): Owed[] {
  return [...items].sort(
    (a, b) =>
      (a.deadline?.getTime() ?? Infinity) - (b.deadline?.getTime() ?? Infinity) || a.key.localeCompare(b.key),
  )
}

export interface Due {
  label: string
  urgency: Urgency | 'none'
  workingDays: number | null
}

/** The countdown beside an item, in working days. */
export function dueIn(item: Owed, now: Date): Due {
  if (!item.deadline) return { label: '无截止时间', urgency: 'none', workingDays: null }
  const counted = countdown(now, item.deadline)
  return { label: counted.label, urgency: counted.urgency, workingDays: counted.workingDays }
}
