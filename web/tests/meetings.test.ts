// The console's people are in Asia/Shanghai (the browser tests run there too); the dates below are read there.
process.env.TZ = 'Asia/Shanghai'

import { beforeEach, describe, expect, it } from 'vitest'
import {
  addDays,
  formatDeadline,
  formatDay,
  ladder,
  milestones,
  nextRung,
  refusalText,
  topicsOpen,
  type Meeting,
} from '../src/lib/meetings'
import { setCalendarSource } from '../src/lib/workdays'

// A regular meeting on Thursday 2027-01-21: topics close at the end of D-10 (Monday 01-11), the agenda goes to the
// convener by the end of D-7 (Thursday 01-14), approved and circulated at D-3 (Monday 01-18, 09:00), as the API
// answers it (meetings/rules.py schedule, reminder hour 9).
function meeting(state: string, changes: Partial<Meeting> = {}): Meeting {
  return {
    id: 'm1',
    body_id: 'b1',
    title: '重点项目建设联席会议',
    ad_hoc: false,
    series_key: '2027-01',
    held_on: '2027-01-21',
    location: null,
    state,
    allowed_next: [],
    topic_days: 10,
    agenda_days: 7,
    circulation_days: 3,
    deadlines: {
      topics_close_at: '2027-01-12T00:00:00+08:00',
      agenda_due_at: '2027-01-15T00:00:00+08:00',
      approval_due_at: '2027-01-18T09:00:00+08:00',
      circulation_at: '2027-01-18T09:00:00+08:00',
    },
    cancel_reason: null,
    minutes_published_at: null,
    ...changes,
  }
}

beforeEach(() => {
  setCalendarSource(async () => undefined) // Monday to Friday, no request
})

describe('the meeting steps before meeting day D', () => {
  it('names D-10, D-7, D-3 and D with their calendar days', () => {
    const steps = milestones(meeting('collecting_topics'), new Date(2027, 0, 4, 10))
    expect(steps.map((s) => [s.code, s.day, s.title])).toEqual([
      ['D-10', '2027-01-11', '议题报送截止'],
      ['D-7', '2027-01-14', '议程报送召集人'],
      ['D-3', '2027-01-18', '议程审定并印发'],
      ['D', '2027-01-21', '召开会议'],
    ])
  })

  it('counts down in working days to the end of the cut-off day, not into the next day', () => {
    // Monday 01-04 10:00: Tue, Wed, Thu, Fri and Monday 01-11 (the cut-off day itself) are left
    const [topics, agenda] = milestones(meeting('collecting_topics'), new Date(2027, 0, 4, 10))
    expect(topics.countdown).toEqual({ workingDays: 5, urgency: 'later', label: '还剩 5 个工作日' })
    expect(agenda.countdown?.label).toBe('还剩 8 个工作日')
    // on the cut-off day itself
    const [onTheDay] = milestones(meeting('collecting_topics'), new Date(2027, 0, 11, 15))
    expect(onTheDay.countdown?.label).toBe('今天截止')
    expect(onTheDay.late).toBe(false)
  })

  it('marks what the state has done, the current step, and a step passed undone as late', () => {
    const now = new Date(2027, 0, 15, 10) // Friday after D-7
    const steps = milestones(meeting('drafting_agenda'), now)
    expect(steps.map((s) => [s.key, s.done, s.current, s.late])).toEqual([
      ['topics', true, false, false],
      ['agenda', false, true, true],
      ['circulation', false, false, false],
      ['meeting', false, false, false],
    ])
    expect(steps[0].countdown).toBeNull()
    expect(steps[1].countdown?.urgency).toBe('overdue')
    const held = milestones(meeting('held'), new Date(2027, 0, 21, 15))
    expect(held.every((s) => s.done && !s.current && s.countdown === null)).toBe(true)
  })

  it('takes an ad hoc meeting’s own windows', () => {
    const adHoc = meeting('scheduled', { ad_hoc: true, topic_days: 4, agenda_days: 3, circulation_days: 1 })
    expect(milestones(adHoc, new Date(2027, 0, 4)).map((s) => `${s.code} ${s.day}`)).toEqual([
      'D-4 2027-01-17',
      'D-3 2027-01-18',
      'D-1 2027-01-20',
      'D 2027-01-21',
    ])
  })

  it('has no current step and no countdown for a cancelled meeting', () => {
    const steps = milestones(meeting('cancelled'), new Date(2027, 0, 4))
    expect(steps.some((s) => s.current || s.late || s.countdown)).toBe(false)
  })

  it('says topics are open only while collecting and before the cut-off', () => {
    expect(topicsOpen(meeting('scheduled'), new Date(2027, 0, 11, 23, 59))).toBe(true)
    expect(topicsOpen(meeting('collecting_topics'), new Date(2027, 0, 12, 0, 0))).toBe(false)
    expect(topicsOpen(meeting('drafting_agenda'), new Date(2027, 0, 4))).toBe(false)
  })

  it('moves calendar days across months and years', () => {
    expect(addDays('2027-03-01', -10)).toBe('2027-02-19')
    expect(addDays('2027-01-05', -7)).toBe('2026-12-29')
  })
})

describe('dates and refusals in Chinese', () => {
  it('writes an end-of-day deadline as 24:00 of its day', () => {
    expect(formatDeadline('2027-01-12T00:00:00+08:00')).toBe('2027年1月11日 24:00')
    expect(formatDeadline('2027-01-18T09:00:00+08:00')).toBe('2027年1月18日 09:00')
    expect(formatDay('2027-01-21')).toBe('2027年1月21日（星期四）')
  })

  it('shows the API’s refusal of a late topic in Chinese, with its deadline', () => {
    const problem = {
      type: '/problems/topic-submission-closed',
      title: 'Topic submission is closed for this meeting',
      title_zh: '本次会议议题征集已截止',
      status: 409,
      detail:
        'Topic submission closed at 2027-01-12T00:00:00+08:00 (end of D-10, Asia/Shanghai); ask the office to ' +
        'accept a late topic (议题报送已截止，逾期报送须经办公室同意).',
      errors: [],
      deadline: '2027-01-12T00:00:00+08:00',
    }
    expect(refusalText(problem)).toBe(
      '本次会议议题征集已截止：议题报送已截止，逾期报送须经办公室同意（截止时间：2027年1月11日 24:00）',
    )
  })

  it('names the fields of a refusal in Chinese and falls back when there is nothing to say', () => {
    const problem = {
      title_zh: '请求违反业务规则',
      detail: null,
      errors: [{ field: 'due_on', message: 'Due date must be after the meeting day', message_zh: '完成时限须晚于会议日期' }],
    }
    expect(refusalText(problem)).toBe('请求违反业务规则：完成时限须晚于会议日期')
    expect(refusalText(undefined, '提交失败')).toBe('提交失败')
  })
})

describe('the escalation ladder', () => {
  it('climbs reminder, urging, supervision, report to the convener', () => {
    expect(ladder(0).map((r) => r.reached)).toEqual([false, false, false, false])
    expect(ladder(2).map((r) => `${r.label}${r.reached ? '✓' : ''}`)).toEqual(['提醒✓', '催办✓', '督办', '报告召集人'])
    expect(nextRung(0)?.level).toBe('reminder')
    expect(nextRung(3)?.label).toBe('报告召集人')
    expect(nextRung(4)).toBeNull()
  })
})
