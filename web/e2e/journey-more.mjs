// What people owe and watch, in a real Chromium: `node e2e/journey-more.mjs <journey>` with E2E='{"base": ...}'.
// The home page's countdowns (我的待办), a leader's page (领导工作台) and the push ledger (攻坚台帐). Prints one line
// `RESULT {...}`; screenshots of the main steps go to <out>/<journey>/, and on failure a Playwright trace
// (trace.zip) beside them. Driven by tests/e2e/test_web_console_more.py.
import { runJourney } from './browser.mjs'

const input = JSON.parse(process.env.E2E ?? '{}')

/** The home page's rows as shown: what, and its countdown. */
async function readOwed(page) {
  await page.locator('[data-testid="home"][data-ready="true"]').waitFor()
  const table = page.getByTestId('owed')
  if ((await table.count()) === 0) return []
  const rows = table.locator('tbody tr')
  const found = []
  for (let index = 0; index < (await rows.count()); index += 1) {
    const row = rows.nth(index)
    found.push({
      what: (await row.getByTestId('owed-what').innerText()).trim(),
      countdown: (await row.getByTestId('owed-countdown').innerText()).trim(),
    })
  }
  return found
}

/** The ledger's rows as shown: the problem and its state. */
async function readLedger(page) {
  await page.locator('[data-testid="ledger"][data-ready="true"]').waitFor()
  const rows = page.getByTestId('ledger-table').locator('tbody tr')
  const found = []
  for (let index = 0; index < (await rows.count()); index += 1) {
    const row = rows.nth(index)
    found.push({
      description: (await row.getByTestId('obstacle-description').innerText()).trim(),
      status: (await row.getByTestId('obstacle-status').innerText()).trim(),
    })
  }
  return found
}

function ledgerRow(page, description) {
  return page.getByTestId('ledger-table').locator('tbody tr', { hasText: description })
}

const JOURNEYS = {
  /** The reporter's home shows the month's report still to file and the topic cut-off, counted down in working
   * days; once the report is filed from there, it is gone from the home page. */
  async 'reporter-home-counts-down'(page, h, result) {
    await h.signIn(input.reporter)
    const owes = page.getByRole('link', { name: `填报「${input.project_name}」`, exact: false })
    await owes.waitFor()
    await page.getByRole('link', { name: `「${input.meeting_title}」议题报送截止`, exact: false }).waitFor()
    result.before = await readOwed(page)
    await h.shot('home-owes-the-report')
    await h.axe('home-unit')
    await page.setViewportSize({ width: 390, height: 844 })
    await h.shot('home-phone')
    await page.setViewportSize({ width: 1366, height: 860 })

    await owes.focus()
    await page.keyboard.press('Enter') // the keyboard alone opens the report form
    await page.getByTestId('project-name').getByText(input.project_name).waitFor()
    await page.locator('#completed').fill(input.completed)
    await page.locator('#physical').fill('场地平整完成，开始桩基施工')
    await page.getByRole('button', { name: '提交月报' }).click()
    await page.getByTestId('report-status').getByText('已提交待审核').waitFor()
    await h.shot('report-filed')

    await h.nav('我的待办')
    result.after = await readOwed(page)
    await h.shot('home-after-filing')
  },

  /** A leader opens their page: the assigned projects with their colours, the red ones first. */
  async 'leader-sees-red'(page, h, result) {
    await h.signIn(input.leader)
    await h.nav('领导工作台')
    await page.locator('[data-testid="leader-page"][data-ready="true"]').waitFor()
    result.leader = (await page.getByTestId('leader-name').innerText()).trim()
    result.red = await page.getByTestId('red-alerts').locator('li').allInnerTexts()
    const rows = page.getByTestId('assigned-projects').locator('tbody tr')
    result.assigned = []
    for (let index = 0; index < (await rows.count()); index += 1) {
      const cells = rows.nth(index).locator('td')
      result.assigned.push({ name: (await cells.nth(0).innerText()).trim(), colour: (await cells.nth(3).innerText()).trim() })
    }
    await h.shot('leader-page')
    await h.axe('leader-page')
    await page.setViewportSize({ width: 390, height: 844 })
    await h.shot('leader-page-phone')
  },

  /** The convener's page lists the agendas awaiting approval and leads to the approvals page. */
  async 'convener-sees-agendas'(page, h, result) {
    await h.signIn(input.convener)
    await page.getByRole('link', { name: `审定「${input.meeting_title}」议程` }).waitFor()
    result.home = await readOwed(page)
    await h.shot('convener-home')
    await h.nav('领导工作台')
    await page.locator('[data-testid="leader-page"][data-ready="true"]').waitFor()
    const awaiting = page.getByTestId('agendas-awaiting')
    await awaiting.getByRole('link', { name: input.meeting_title }).waitFor()
    result.awaiting = await awaiting.locator('li').allInnerTexts()
    result.assigned_shown = await page.getByTestId('assigned-projects').count()
    await h.shot('convener-page')
    await h.axe('convener-page')
    await page.getByTestId('to-approvals').click()
    await page.getByRole('heading', { level: 1, name: '议程审定' }).waitFor()
    await page.locator('[data-testid="approvals"][data-ready="true"]').waitFor()
    result.approvals = await page.locator('.agenda-card h2').allInnerTexts()
    await h.shot('approvals')
  },

  /** A unit's reporter enters an obstacle of its project in the ledger. */
  async 'unit-files-an-obstacle'(page, h, result) {
    await h.signIn(input.reporter)
    await h.nav('攻坚台帐')
    await page.locator('[data-testid="ledger"][data-ready="true"]').waitFor()
    const form = page.getByRole('form', { name: '录入困难问题' })
    await form.getByLabel('项目').selectOption({ label: input.project_name })
    await form.getByLabel('问题类别').selectOption({ label: '征地拆迁' })
    await form.getByLabel('问题描述').fill(input.description)
    await form.getByLabel('拟解决方案').fill(input.solution)
    await form.getByLabel('协助单位').selectOption({ label: input.helper })
    await form.getByLabel('办结时限').fill(input.due_on)
    await h.shot('obstacle-form')
    await form.getByRole('button', { name: '录入' }).click()
    await ledgerRow(page, input.description).getByText('待解决').waitFor()
    result.rows = await readLedger(page)
    await h.shot('obstacle-filed')
    await h.axe('ledger-unit')
  },

  /** The office finds it by unit and state, records an action and marks it resolved. */
  async 'office-closes-the-obstacle'(page, h, result) {
    await h.signIn(input.office)
    await h.nav('攻坚台帐')
    await page.locator('[data-testid="ledger"][data-ready="true"]').waitFor()
    const filters = page.getByRole('form', { name: '筛选台帐' })
    await filters.getByLabel('单位').selectOption({ label: input.unit })
    await filters.getByLabel('状态').selectOption({ label: '待解决' })
    await ledgerRow(page, input.description).waitFor()
    result.filtered = await readLedger(page)
    result.total = (await page.getByTestId('ledger-total').innerText()).trim()
    await h.shot('office-ledger-filtered')
    await h.axe('ledger-office')

    await ledgerRow(page, input.description).getByRole('button', { name: `办理：${input.description}` }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByTestId('obstacle-detail').waitFor()
    const act = dialog.getByRole('form', { name: '记录推进措施' })
    await act.getByLabel('推进措施').fill(input.action)
    await act.getByRole('button', { name: '记录' }).click()
    await dialog.getByTestId('obstacle-actions').getByText(input.action).waitFor()
    await dialog.getByTestId('detail-status').getByText('推进中').waitFor()
    const change = dialog.getByRole('form', { name: '更新状态' })
    await change.getByLabel('改为').selectOption({ label: '已解决' })
    await change.getByRole('button', { name: '更新状态' }).click()
    await dialog.getByTestId('detail-status').getByText('已解决').waitFor()
    result.detail_status = (await dialog.getByTestId('detail-status').innerText()).trim()
    await h.shot('office-resolved-it')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await filters.getByLabel('状态').selectOption({ label: '已解决' })
    await ledgerRow(page, input.description).getByText('已解决').waitFor()
    result.after = await readLedger(page)
  },

  /** The unit sees its obstacle resolved, with the office's action. */
  async 'unit-sees-it-resolved'(page, h, result) {
    await h.signIn(input.reporter)
    await h.nav('攻坚台帐')
    await ledgerRow(page, input.description).getByText('已解决').waitFor()
    result.rows = await readLedger(page)
    await ledgerRow(page, input.description).getByRole('button', { name: `办理：${input.description}` }).click()
    const dialog = page.getByRole('dialog')
    result.actions = await dialog.getByTestId('obstacle-actions').locator('li').allInnerTexts()
    result.detail_status = (await dialog.getByTestId('detail-status').innerText()).trim()
    result.forms = await dialog.getByRole('form').count()
    await h.shot('unit-sees-it-resolved')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await h.axe('ledger-unit-resolved')
    await page.setViewportSize({ width: 390, height: 844 })
    await h.shot('ledger-phone')
  },
}

await runJourney(JOURNEYS, input)
