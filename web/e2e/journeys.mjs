// The console's journeys in a real Chromium: `node e2e/journeys.mjs <journey>` with E2E='{"base": ..., ...}'.
// Prints one line `RESULT {...}`; screenshots of the main steps go to <out>/<journey>/, and on failure a
// Playwright trace (trace.zip) beside them. Driven by tests/e2e/test_web_console.py.
import { runJourney } from './browser.mjs'

const input = JSON.parse(process.env.E2E ?? '{}')

async function signIn(page, username, password) {
  await page.goto(`${input.base}/login`)
  await page.locator('#username').fill(username)
  await page.locator('#password').fill(password)
  await page.locator('#password').press('Enter') // the keyboard alone signs in
}

/** The dashboard's 累计完成投资 figure and its monthly chart as drawn (once ECharts' 1 s animation has ended). */
async function readDashboard(page, h) {
  await h.nav('数据看板')
  await page.locator('[data-testid="dashboard"][data-ready="true"]').waitFor()
  const canvas = page.getByRole('img', { name: '按月累计的计划投资与完成投资' }).locator('canvas')
  await canvas.waitFor()
  await page.waitForTimeout(1500)
  return {
    figure: (await page.getByTestId('completed-ytd').innerText()).trim(),
    chart: await canvas.evaluate((element) => element.toDataURL()),
  }
}

const JOURNEYS = {
  /** Journey 1: the office creates a county reporter, publishes the plan and opens the month. */
  async 'office-sets-up-the-month'(page, h, result) {
    await page.goto(`${input.base}/`)
    await page.locator('#username').waitFor()
    await h.shot('sign-in')
    await h.axe('sign-in')
    await signIn(page, input.office.username, input.office.password)
    await page.getByRole('heading', { level: 1, name: '我的待办' }).waitFor()
    await h.shot('home')
    await h.axe('home')

    await h.nav('账号管理')
    await page.getByRole('button', { name: '新建账号' }).click()
    await page.locator('#account-username').fill(input.reporter.username)
    await page.locator('#account-name').fill(input.reporter.display_name)
    await page.locator('#account-unit').click()
    await page.keyboard.type(input.county)
    await page.locator('.el-select-dropdown__item', { hasText: input.county }).first().click()
    await h.shot('account-form')
    await page.getByRole('button', { name: '创建' }).click()
    const shown = page.getByTestId('initial-password')
    await shown.waitFor()
    const text = await shown.locator('.el-alert__title').innerText()
    result.reporter_password = text.split('：').pop().trim()
    await page.getByRole('cell', { name: input.reporter.username, exact: true }).waitFor()
    await h.shot('account-created')
    await h.axe('accounts')

    await h.nav('年度计划')
    await page.getByTestId('plan-state').getByText('未发布').waitFor()
    await h.shot('plan-unpublished')
    await page.getByRole('button', { name: '发布计划' }).click()
    await page.getByRole('dialog').getByRole('button', { name: '发布' }).click()
    await page.getByTestId('plan-state').getByText('已发布').waitFor()
    await h.shot('plan-published')
    await h.axe('plan')

    await h.nav('填报窗口')
    const state = page.getByTestId('month-state')
    await state.waitFor()
    result.month_state_before = (await state.innerText()).trim()
    if (result.month_state_before !== '填报中') {
      await page.getByRole('button', { name: '立即开放本月填报' }).click()
      await state.getByText('填报中').waitFor()
    }
    await h.shot('month-open')
    await h.axe('months')
  },

  /** Journey 2: the reporter signs in, changes the password, files the month's report with a photo. */
  async 'reporter-files-the-month'(page, h, result) {
    await signIn(page, input.reporter.username, input.reporter.password)
    await page.getByRole('heading', { level: 1, name: '修改密码' }).waitFor()
    await h.shot('password-change-required')
    await h.axe('password')
    await page.locator('#current-password').fill(input.reporter.password)
    await page.locator('#new-password').fill(input.new_password)
    await page.locator('#new-password-again').fill(input.new_password)
    await page.getByRole('button', { name: '确认修改' }).click()
    await page.getByRole('heading', { level: 1, name: '我的待办' }).waitFor()
    const owed = page.getByRole('link', { name: `填报「${input.project_name}」`, exact: false })
    await owed.waitFor()
    await h.shot('home-owes-the-report')
    await h.axe('home-unit')

    await h.nav('项目')
    await page.getByRole('cell', { name: input.project_name }).waitFor()
    await h.shot('projects')
    await h.axe('projects')
    await page.getByRole('row', { name: new RegExp(input.project_name) }).getByRole('link', { name: '填报月报' }).click()
    await page.getByTestId('project-name').getByText(input.project_name).waitFor()
    await page.getByTestId('report-window').getByText('填报中').waitFor()
    await page.locator('#completed').fill(input.completed)
    await page.locator('#physical').fill('主体结构施工，完成桩基 30 根')
    await h.shot('report-form')
    await page.getByRole('button', { name: '提交月报' }).click()
    await page.getByTestId('report-status').getByText('已提交待审核').waitFor()
    await page.locator('#evidence-file').setInputFiles(input.photo)
    await page.getByRole('button', { name: '上传' }).click()
    await page.getByTestId('evidence-list').getByText(input.photo_name).waitFor()
    await h.shot('report-filed-with-photo')
    await h.axe('report-form')

    await h.nav('消息')
    await h.shot('inbox')
    await h.axe('inbox')
  },

  /** Journey 2, continued: the office returns the report with a reason; the reporter corrects and resubmits it. */
  async 'returned-and-resubmitted'(page, h, result) {
    await signIn(page, input.office.username, input.office.password)
    await page.getByRole('heading', { level: 1, name: '我的待办' }).waitFor()
    await h.nav('月报审核')
    await page.getByRole('radio', { name: '待初审' }).click({ force: true })
    const row = page.getByTestId('review-queue').getByRole('row', { name: new RegExp(input.project_name) })
    await row.waitFor()
    await h.shot('review-queue')
    await h.axe('reviews')
    await row.getByRole('button', { name: '退回' }).click()
    await page.getByRole('dialog').getByRole('textbox').fill(input.reason)
    await page.getByRole('dialog').getByRole('button', { name: '退回' }).click()
    await row.waitFor({ state: 'detached' })
    await h.shot('returned')
    await page.getByRole('button', { name: '退出' }).click()

    await signIn(page, input.reporter.username, input.reporter.password)
    const owed = page.getByRole('link', { name: new RegExp(`月报被退回.*${input.reason}`) })
    await owed.waitFor()
    await h.shot('home-shows-the-return')
    await owed.click()
    await page.getByText(`退回原因：${input.reason}`).waitFor()
    await page.locator('#completed').fill(input.corrected)
    await h.shot('correcting')
    await page.getByRole('button', { name: '重新提交' }).click()
    await page.getByTestId('report-status').getByText('已提交待审核').waitFor()
    await h.shot('resubmitted')
    await h.axe('report-form-resubmitted')
  },

  /** Journey 3: the county reviewer passes the report, the office accepts it; the dashboard's figure and chart change. */
  async 'reviewed-and-accepted'(page, h, result) {
    await signIn(page, input.office.username, input.office.password)
    await page.getByRole('heading', { level: 1, name: '我的待办' }).waitFor()
    const before = await readDashboard(page, h)
    result.figure_before = before.figure
    await h.shot('dashboard-before')
    await page.getByRole('button', { name: '退出' }).click()

    await signIn(page, input.reviewer.username, input.reviewer.password)
    await page.getByRole('heading', { level: 1, name: '我的待办' }).waitFor()
    await h.nav('月报审核')
    const submitted = page.getByTestId('review-queue').getByRole('row', { name: new RegExp(input.project_name) })
    await submitted.waitFor()
    await h.shot('county-review-queue')
    await h.axe('reviews-county')
    await submitted.getByRole('button', { name: '通过', exact: true }).click()
    await submitted.waitFor({ state: 'detached' })
    await h.shot('county-passed')
    await page.getByRole('button', { name: '退出' }).click()

    await signIn(page, input.office.username, input.office.password)
    await page.getByRole('heading', { level: 1, name: '我的待办' }).waitFor()
    await h.nav('月报审核')
    await page.getByRole('radio', { name: '待采纳' }).click({ force: true })
    const passed = page.getByTestId('review-queue').getByRole('row', { name: new RegExp(input.project_name) })
    await passed.waitFor()
    await h.shot('office-acceptance-queue')
    await passed.getByRole('button', { name: '采纳', exact: true }).click()
    await passed.waitFor({ state: 'detached' })
    await page.getByRole('radio', { name: '已采纳' }).click({ force: true })
    await page.getByTestId('review-queue').getByRole('row', { name: new RegExp(input.project_name) }).waitFor()
    await h.shot('accepted')

    const after = await readDashboard(page, h)
    result.figure_after = after.figure
    result.chart_changed = after.chart !== before.chart
    await h.shot('dashboard-after')
    await h.axe('dashboard-after')
  },

  /** Journey 5: a second county's reporter sees none of the first county's projects. */
  async 'second-county-sees-none'(page, h, result) {
    await signIn(page, input.reporter.username, input.reporter.password)
    await page.getByRole('heading', { level: 1, name: '我的待办' }).waitFor()
    await h.nav('项目')
    await page.getByRole('cell', { name: input.own_project }).waitFor()
    result.listed = await page.getByTestId('projects-table').locator('tbody tr td:first-child').allInnerTexts()
    result.total_text = await page.getByTestId('projects-total').innerText()
    await h.shot('own-projects-only')
    await page.goto(`${input.base}/projects/${input.foreign_project_id}/report`)
    await page.getByRole('heading', { level: 1, name: '月报填报' }).waitFor()
    await page.waitForLoadState('networkidle')
    result.foreign_name_shown = await page.getByText(input.foreign_project_name).count()
    await h.shot('other-county-project-not-shown')
  },

  /** The office's dashboard, first load with an empty cache: time to interactive, printed. */
  async 'dashboard-first-load'(page, h, result) {
    await page.context().addInitScript((tokens) => {
      sessionStorage.setItem('gongjian.tokens', JSON.stringify(tokens))
    }, input.tokens)
    const started = Date.now()
    await page.goto(`${input.base}/dashboard`)
    await page.locator('[data-testid="dashboard"][data-ready="true"]').waitFor()
    await page.locator('canvas').first().waitFor()
    result.load_ms = Date.now() - started
    result.navigation = await page.evaluate(() => {
      const [entry] = performance.getEntriesByType('navigation')
      return { dom_interactive_ms: Math.round(entry.domInteractive), load_event_ms: Math.round(entry.loadEventEnd) }
    })
    result.completed_ytd = await page.getByTestId('completed-ytd').innerText()
    await h.shot('dashboard')
    await h.axe('dashboard')
    await page.setViewportSize({ width: 390, height: 844 })
    await h.shot('dashboard-phone')
  },
}

await runJourney(JOURNEYS, input)
