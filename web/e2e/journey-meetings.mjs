// Journey 4 in a real Chromium: a joint meeting from its topics to a resolution answered.
// `node e2e/journey-meetings.mjs` with E2E='{"base", "out", "clock_file", "times", ...}' (set up through the
// public API by tests/e2e/test_web_console_meetings.py). The platform (`gongjian dev`) runs on the clock that
// `clock_file` holds (GONGJIAN_DEV_CLOCK_FILE); this journey moves it, and the browser's clock with it, from
// before the topic cut-off (D-10) to after it and then to meeting day D. Prints one line `RESULT {...}`;
// screenshots of the main steps go to <out>/joint-meeting/, and on failure a Playwright trace beside them.
import { writeFileSync } from 'node:fs'
import { runJourney, signIn as signInAt, signOut } from './browser.mjs'

const input = JSON.parse(process.env.E2E ?? '{}')
const NAME = 'joint-meeting'
const signIn = (page, person) => signInAt(page, input.base, person)

/** The platform's clock and the browser's move to `iso` together. */
async function setClock(page, iso) {
  writeFileSync(input.clock_file, iso)
  await page.clock.setSystemTime(new Date(iso))
}

async function openMeeting(page, h) {
  await h.nav('联席会议')
  await page.locator('[data-testid="meeting-board"][data-ready="true"]').waitFor()
  await page.getByRole('link', { name: input.meeting_title }).click()
  await page.getByTestId('meeting-title').getByText(input.meeting_title).waitFor()
}

/** Waits (reloading, bounded) until the meeting shows `state`: the deadline scheduler moves it within seconds. */
async function untilState(page, state) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const shown = (await page.getByTestId('meeting-state').innerText()).trim()
    if (shown === state) return
    await page.waitForTimeout(1000)
    await page.reload()
    await page.getByTestId('meeting-state').waitFor()
  }
  throw new Error(`the meeting never showed ${state}`)
}

async function fillTopic(page, topic) {
  await page.locator('#topic-title').fill(topic.title)
  await page.locator('#topic-description').fill(topic.description)
  await page.locator('#topic-solution').fill(topic.solution)
}

async function choose(page, selector, text) {
  await page.locator(selector).click()
  await page.keyboard.type(text)
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

async function journey(page, h, result) {
  const steps = () => page.getByTestId('meeting-steps')

  // before the cut-off: the unit's liaison sends a topic
  await setClock(page, input.times.before_cutoff)
  await signIn(page, input.liaison)
  await openMeeting(page, h)
  result.steps_before = await steps().innerText()
  await fillTopic(page, input.topic)
  await h.shot('unit-topic-form')
  await page.getByRole('button', { name: '提交议题' }).click()
  await page.getByTestId('topics-table').getByRole('cell', { name: input.topic.title }).waitFor()
  await h.shot('unit-topic-submitted')
  await h.axe('meeting-unit')

  // after the cut-off: a second topic is refused, with the API's reason in Chinese
  // (eight days on, the session has expired: sign in again)
  await setClock(page, input.times.after_cutoff)
  await signIn(page, input.liaison)
  await openMeeting(page, h)
  await page.getByTestId('topic-window').getByText('已截止').waitFor()
  await fillTopic(page, input.late_topic)
  await page.getByRole('button', { name: '提交议题' }).click()
  const refusal = page.getByTestId('topic-refusal')
  await refusal.waitFor()
  result.refusal = (await refusal.innerText()).trim()
  await h.shot('unit-topic-refused')
  await h.axe('meeting-unit-refused')
  await signOut(page)

  // the office: the board, then the agenda to the convener
  await signIn(page, input.office)
  await h.nav('联席会议')
  await page.locator('[data-testid="meeting-board"][data-ready="true"]').waitFor()
  await page.getByRole('link', { name: input.meeting_title }).waitFor()
  await h.shot('meeting-board')
  await h.axe('meeting-board')
  await page.getByRole('link', { name: input.meeting_title }).click()
  await untilState(page, '拟定议程中')
  await h.shot('office-drafting-agenda')
  await page.getByRole('button', { name: '报送召集人审定' }).click()
  await page.getByRole('dialog').getByRole('textbox').fill(input.office_notes)
  await page.getByRole('dialog').getByRole('button', { name: '报送' }).click()
  await untilState(page, '待召集人审定')
  result.steps_submitted = await steps().innerText()
  await h.shot('office-agenda-submitted')
  await h.axe('meeting-office')
  await signOut(page)

  // the convener approves the agenda
  await signIn(page, input.convener)
  await h.nav('议程审定')
  const card = page.locator(`[data-meeting="${input.meeting_id}"]`)
  await card.getByText(input.topic.title).waitFor()
  await h.shot('convener-approvals')
  await h.axe('approvals')
  await card.getByRole('button', { name: '审定通过' }).click()
  await page.getByText('没有待审定的议程').waitFor()
  await h.shot('convener-approved')
  await signOut(page)

  // the office circulates it
  await signIn(page, input.office)
  await openMeeting(page, h)
  await untilState(page, '议程已审定')
  await page.getByRole('button', { name: '印发议程' }).click()
  await untilState(page, '议程已印发')
  await page.getByTestId('agenda-status').getByText('已印发').waitFor()
  await h.shot('office-agenda-circulated')

  // meeting day: held with its attendance, minutes, a resolution recorded
  await setClock(page, input.times.meeting_day)
  await signIn(page, input.office)
  await openMeeting(page, h)
  await page.getByRole('button', { name: '登记会议召开' }).click()
  const absent = page.getByRole('dialog').locator('.el-checkbox', { hasText: input.absent_unit })
  await absent.click()
  await absent.locator('.is-checked').waitFor({ state: 'detached' })
  await page.getByRole('dialog').getByRole('button', { name: '确认召开' }).click()
  await untilState(page, '已召开')
  await page.locator('#minutes-text').fill(input.minutes)
  await page.getByRole('button', { name: '保存纪要' }).click()
  await page.getByText('会议纪要已保存').waitFor()
  await page.locator('#resolution-text').fill(input.resolution.text)
  await choose(page, '#resolution-lead', input.county)
  await page.locator('#resolution-due').fill(input.resolution.due_on)
  await page.getByRole('button', { name: '登记议定事项' }).click()
  await page.getByRole('article', { name: '议定事项第1项' }).waitFor()
  await page.locator('#resolution-text').fill(input.second_resolution.text)
  await choose(page, '#resolution-lead', input.county)
  await page.locator('#resolution-due').fill(input.second_resolution.due_on)
  await page.getByRole('button', { name: '登记议定事项' }).click()
  await page.getByRole('article', { name: '议定事项第2项' }).waitFor()
  await h.shot('office-resolutions-recorded')
  await page.getByRole('button', { name: '印发会议纪要' }).click()
  await untilState(page, '纪要已印发')
  await signOut(page)

  // the responsible unit answers the resolution
  await signIn(page, input.liaison)
  await h.nav('议定事项')
  const item = page.getByRole('article', { name: '议定事项第1项' })
  await item.getByText(input.resolution.text).waitFor()
  await h.shot('unit-resolutions')
  await item.getByRole('button', { name: '书面反馈' }).click()
  await page.locator('#feedback-text').fill(input.feedback)
  await page.getByRole('dialog').getByRole('button', { name: '提交反馈' }).click()
  await item.getByTestId('feedback').getByText(input.feedback).waitFor()
  await h.shot('unit-feedback-sent')
  await h.axe('resolutions-unit')
  await signOut(page)

  // the office checks the feedback: the resolution is done; the meeting page shows the whole record
  await signIn(page, input.office)
  await h.nav('议定事项')
  const answered = page.getByRole('article', { name: '议定事项第1项' })
  await answered.getByRole('button', { name: '反馈与督办记录' }).click()
  await answered.getByRole('button', { name: '核验通过' }).click()
  await answered.waitFor({ state: 'detached' }) // done: off the list of those being carried out

  // the second resolution is overdue: the scheduler has reminded (the first rung); the office urges (the second)
  await setClock(page, input.times.overdue)
  await signIn(page, input.office)
  await h.nav('议定事项')
  const overdue = page.getByRole('article', { name: '议定事项第2项' })
  await overdue.waitFor()
  const reachedRungs = overdue.locator('.ladder li.reached')
  for (let attempt = 0; attempt < 20 && (await reachedRungs.count()) < 1; attempt += 1) {
    await page.waitForTimeout(1000)
    await page.reload()
    await overdue.waitFor()
  }
  result.rungs_by_scheduler = await reachedRungs.allInnerTexts()
  await h.shot('office-resolution-overdue')
  await overdue.getByRole('button', { name: '升级为「催办」' }).click()
  await overdue.locator('.ladder li.reached').nth(1).waitFor()
  await overdue.getByTestId('resolution-detail').getByText('催办：逾期').waitFor()
  result.escalations = (await overdue.getByTestId('resolution-detail').innerText()).trim()
  await h.shot('office-resolution-escalated')
  await h.axe('resolutions-office')

  await openMeeting(page, h)
  await page.getByRole('article', { name: '议定事项第1项' }).getByTestId('resolution-status').getByText('已办结').waitFor()
  result.attendance = (await page.getByTestId('attendance-summary').innerText()).trim()
  result.steps_after = await steps().innerText()
  await h.shot('meeting-record')
  await h.axe('meeting-record')
  await page.setViewportSize({ width: 390, height: 844 })
  await h.shot('meeting-record-phone')
}

await runJourney({ [NAME]: journey }, input)
