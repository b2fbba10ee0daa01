process.env.TZ = 'Asia/Shanghai' // the console's people are in Shanghai: days and deadlines are read there
import { beforeEach, describe, expect, it } from 'vitest'
import {
  agendasAwaiting,
  byDeadline,
  dueIn,
  endOfDay,
  obstaclesOwed,
  reportsOwed,
  resolutionsOwed,
  topicsClosing,
  type Owed,
} from '../src/lib/owed'
import { setCalendarSource } from '../src/lib/workdays'

// 2026-12-07 is a Monday.
const monday = new Date('2026-12-07T09:00:00+08:00')

const december = {
  year: 2026,
  month: 11,
  state: 'open' as const,
  closes_at: '2026-12-10T18:00:00+08:00',
  cut_off_at: '2026-12-15T18:00:00+08:00',
}

const project = (id: string, name: string, extra: Partial<{ kind: 'key' | 'prephase'; status: 'planned' | 'removed' }> = {}) => ({
  id,
  name,
  kind: extra.kind ?? ('key' as const),
  status: extra.status ?? ('planned' as const),
})

beforeEach(() => {
  setCalendarSource(async () => undefined) // Monday to Friday
})

describe('the reports a unit owes in the open month', () => {
  const projects = [
    project('p1', '城东污水处理厂'),
    project('p2', '高新区标准化厂房'),
    project('p3', '前期项目', { kind: 'prephase' }),
    project('p4', '已调出项目', { status: 'removed' }),
  ]

  it('lists each key project without a report, due when the window closes', () => {
    const owed = reportsOwed(december, projects, [{ id: 'r2', project_id: 'p2', status: 'submitted', returned_reason: null }])
    expect(owed.map((item) => [item.kind, item.what, item.link])).toEqual([
      ['report', '填报「城东污水处理厂」2026年11月月报', '/projects/p1/report'],
    ])
    expect(owed[0].deadline?.toISOString()).toBe('2026-12-10T10:00:00.000Z')
  })

  it('adds a returned report to correct by the cut-off, with the reviewer reason', () => {
    const owed = reportsOwed(december, projects, [
      { id: 'r1', project_id: 'p1', status: 'returned', returned_reason: '照片不清晰' },
      { id: 'r2', project_id: 'p2', status: 'accepted', returned_reason: null },
    ])
    expect(owed.map((item) => [item.kind, item.what])).toEqual([
      ['returned', '「城东污水处理厂」月报被退回，需修改后重报：照片不清晰'],
    ])
    expect(owed[0].deadline?.toISOString()).toBe('2026-12-15T10:00:00.000Z')
  })

  it('owes nothing once filed, nor while the month is not open', () => {
    const filed = ['p1', 'p2'].map((id) => ({ id: `r-${id}`, project_id: id, status: 'submitted' as const, returned_reason: null }))
    expect(reportsOwed(december, projects, filed)).toEqual([])
    expect(reportsOwed({ ...december, state: 'closed' }, projects, [])).toEqual([])
  })
})

const meeting = (id: string, state: string, topicsClose: string) => ({
  id,
  title: `联席会议 ${id}`,
  state,
  held_on: '2026-12-24',
  deadlines: {
    topics_close_at: topicsClose,
    agenda_due_at: '2026-12-18T00:00:00+08:00',
    approval_due_at: '2026-12-18T00:00:00+08:00',
    circulation_at: '2026-12-21T00:00:00+08:00',
  },
})

describe('the topics closing for the next joint meeting', () => {
  it('lists the meetings still taking topics before their D-10 cut-off, the nearest first', () => {
    const owed = topicsClosing(
      [
        meeting('b', 'collecting_topics', '2026-12-15T00:00:00+08:00'),
        meeting('a', 'collecting_topics', '2026-12-11T00:00:00+08:00'),
        meeting('c', 'drafting_agenda', '2026-12-10T00:00:00+08:00'),
        meeting('d', 'collecting_topics', '2026-12-07T00:00:00+08:00'), // closed this morning at 00:00
      ],
      monday,
    )
    expect(owed.map((item) => item.key)).toEqual(['topics-a', 'topics-b'])
    expect(owed[0].what).toBe('「联席会议 a」议题报送截止（2026年12月10日 24:00）')
    expect(owed[0].link).toBe('/meetings/a')
    // the end of Thursday the 10th: three working days after Monday
    expect(dueIn(owed[0], monday)).toMatchObject({ workingDays: 3, urgency: 'soon', label: '还剩 3 个工作日' })
  })
})

describe('the agendas the convener must approve', () => {
  it('lists the meetings awaiting approval, due at the approval deadline', () => {
    const waiting = { ...meeting('m', 'awaiting_approval', '2026-12-11T00:00:00+08:00') }
    waiting.deadlines = { ...waiting.deadlines, approval_due_at: '2026-12-17T09:00:00+08:00' }
    const owed = agendasAwaiting([waiting, meeting('n', 'approved', '2026-12-11T00:00:00+08:00')])
    expect(owed.map((item) => [item.what, item.link])).toEqual([['审定「联席会议 m」议程', '/approvals']])
    expect(dueIn(owed[0], monday)).toMatchObject({ workingDays: 8, label: '还剩 8 个工作日' })
  })
})

describe('the resolutions a unit must answer', () => {
  const resolution = (id: string, lead: string, supporting: string[], status = 'open') => ({
    id,
    number: Number(id),
    text: `议定事项 ${id}`,
    lead_unit_id: lead,
    supporting_unit_ids: supporting,
    due_on: '2026-12-18',
    status,
  })

  it('lists the open ones it leads or supports, due at the end of their day', () => {
    const owed = resolutionsOwed(
      [resolution('1', 'u1', []), resolution('2', 'u2', ['u1']), resolution('3', 'u2', []), resolution('4', 'u1', [], 'closed')],
      'u1',
    )
    expect(owed.map((item) => item.what)).toEqual(['牵头办理议定事项第1号：议定事项 1', '配合办理议定事项第2号：议定事项 2'])
    expect(owed[0].deadline?.toISOString()).toBe('2026-12-18T15:59:59.999Z')
    expect(dueIn(owed[0], monday)).toMatchObject({ workingDays: 9, urgency: 'later', label: '还剩 9 个工作日' })
  })

  it('owes nothing without a unit', () => {
    expect(resolutionsOwed([resolution('1', 'u1', [])], null)).toEqual([])
  })
})

describe('the ledger obstacles a unit must clear', () => {
  const obstacle = (id: string, status: 'open' | 'in-progress' | 'resolved' | 'escalated', dueOn: string | null, unit = 'u1') => ({
    id,
    project_id: 'p1',
    unit_id: unit,
    description: `问题 ${id}`,
    due_on: dueOn,
    status,
  })

  it('lists its open ones with a due day, named by project', () => {
    const owed = obstaclesOwed(
      [
        obstacle('a', 'open', '2026-12-09'),
        obstacle('b', 'in-progress', '2026-12-04'),
        obstacle('c', 'resolved', '2026-12-09'),
        obstacle('d', 'escalated', '2026-12-09'),
        obstacle('e', 'open', null),
        obstacle('f', 'open', '2026-12-09', 'u2'),
      ],
      'u1',
      new Map([['p1', '城东污水处理厂']]),
    )
    expect(owed.map((item) => item.what)).toEqual(['解决台帐问题（城东污水处理厂）：问题 a', '解决台帐问题（城东污水处理厂）：问题 b'])
    expect(dueIn(owed[1], monday)).toMatchObject({ urgency: 'overdue', label: '已逾期 1 个工作日' })
  })
})

describe('the order and the countdown', () => {
  it('puts the soonest first and what has no deadline last', () => {
    const item = (key: string, deadline: Date | null): Owed => ({ key, kind: 'ack', what: key, deadline })
    const sorted = byDeadline([item('none', null), item('late', new Date('2026-12-20')), item('soon', new Date('2026-12-08'))])
    expect(sorted.map((entry) => entry.key)).toEqual(['soon', 'late', 'none'])
    expect(dueIn(item('none', null), monday)).toEqual({ label: '无截止时间', urgency: 'none', workingDays: null })
  })

  it('reads a day as ending at midnight in Shanghai', () => {
    expect(endOfDay('2026-12-31').toISOString()).toBe('2026-12-31T16:00:00.000Z')
  })
})
