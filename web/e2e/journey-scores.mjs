// The assessment and project journeys in a real Chromium: `node e2e/journey-scores.mjs <journey>` with
// E2E='{"base": ..., ...}'. Prints one line `RESULT {...}`; screenshots of the main steps go to <out>/<journey>/,
// and on failure a Playwright trace (trace.zip) beside them. Driven by tests/e2e/test_web_console_scores.py.
import { statSync } from 'node:fs'
import { runJourney } from './browser.mjs'

const input = JSON.parse(process.env.E2E ?? '{}')

/** What the score sheet on screen says, line by line. */
async function readSheet(page) {
  await page.locator('[data-testid="score-sheet"][data-ready="true"]').waitFor()
  const lines = page.getByTestId('sheet-lines').locator('tbody tr')
  const rows = []
  for (let index = 0; index < (await lines.count()); index += 1) {
    const row = lines.nth(index)
    rows.push({
      id: await row.getAttribute('data-item'),
      title: (await row.locator('td').nth(0).innerText()).trim(),
      standard: (await row.locator('td').nth(1).innerText()).trim(),
      points: (await row.locator('td').nth(2).innerText()).trim(),
      steps: await row.locator('ol.steps li').allInnerTexts(),
      source: (await row.locator('blockquote').textContent()).trim(),
    })
  }
  return {
    unit: (await page.getByTestId('sheet-unit').innerText()).trim(),
    total: (await page.getByTestId('sheet-total').innerText()).trim(),
    provisional: await page.getByTestId('sheet-provisional').count(),
    rows,
  }
}

const JOURNEYS = {
  /** The office opens the standings, then one unit's score sheet, every line explained. */
  async 'office-reads-the-scores'(page, h, result) {
    await h.signIn(input.office)
    await h.nav('考核评分')
    await page.locator('[data-testid="standings"][data-ready="true"]').waitFor()
    const table = page.getByTestId('standings-table')
    await table.getByRole('link', { name: input.unit, exact: true }).waitFor()
    result.standings_units = await table.getByTestId('standings-unit').allInnerTexts()
    await h.shot('standings')
    await h.axe('standings')
    await table.getByRole('link', { name: input.unit, exact: true }).click()
    await page.getByRole('heading', { level: 1, name: '考核评分表' }).waitFor()
    result.sheet = await readSheet(page)
    await page.getByTestId('sheet-lines').locator('details summary').first().click() // the source text, opened
    await h.shot('score-sheet')
    await h.axe('score-sheet')
    await page.setViewportSize({ width: 390, height: 844 })
    await h.shot('score-sheet-phone')
  },

  /** The unit's reporter sees its own sheet from the menu, and applies for the project's start with a photo. */
  async 'unit-applies-for-a-start'(page, h, result) {
    await h.signIn(input.reporter)
    await h.nav('考核评分', '考核评分表')
    result.own_sheet_unit = (await readSheet(page)).unit
    await h.nav('项目')
    await page.getByRole('link', { name: input.project_name, exact: true }).click()
    await page.locator('[data-testid="project-page"][data-ready="true"]').waitFor()
    await page.getByTestId('project-title').getByText(input.project_name).waitFor()
    const form = page.getByRole('form', { name: '申请开竣工认定' })
    await form.getByLabel('开工日期').fill(input.start_date)
    await form.getByLabel('情况说明').fill(input.description)
    await form.getByLabel('现场照片、文件').setInputFiles(input.photo)
    await h.shot('start-application')
    await form.getByRole('button', { name: '提交申请' }).click()
    const applied = page.getByTestId('recognitions').locator('li[data-status="applied"]')
    await applied.getByRole('button', { name: `下载 ${input.photo_name}` }).waitFor()
    await h.shot('start-applied')
    await h.axe('project-page-unit')
  },

  /** The office approves the start from the queue; the project page shows it recognised. */
  async 'office-recognises-the-start'(page, h, result) {
    await h.signIn(input.office)
    await h.nav('开竣工认定')
    const row = page.getByTestId('recognition-queue').getByRole('row', { name: new RegExp(input.project_name) })
    await row.getByRole('button', { name: `下载 ${input.photo_name}` }).waitFor()
    await h.shot('recognition-queue')
    await h.axe('recognition-queue')
    const download = page.waitForEvent('download')
    await row.getByRole('button', { name: `下载 ${input.photo_name}` }).click()
    const saved = await download
    result.downloaded = { name: saved.suggestedFilename(), size: statSync(await saved.path()).size }
    await row.getByRole('button', { name: '认定', exact: true }).click()
    await page.getByRole('dialog').getByRole('button', { name: '认定', exact: true }).click()
    await row.waitFor({ state: 'detached' })
    // the confirmation's overlay fades out after the row is gone: a click through it would be lost
    await page.locator('.el-overlay').waitFor({ state: 'hidden' })
    await page.locator('.el-radio-button', { hasText: '已认定' }).click()
    await page.locator('.el-radio-button.is-active', { hasText: '已认定' }).waitFor()
    await page.getByTestId('recognition-queue').getByRole('link', { name: input.project_name }).click()
    await page.locator('[data-testid="project-page"][data-ready="true"]').waitFor()
    result.project_status = (await page.getByTestId('project-status').innerText()).trim()
    result.started_on = (await page.getByTestId('project-started-on').innerText()).trim()
    result.recognitions = await page.getByTestId('recognitions').locator(':scope > ul > li').allInnerTexts()
    result.history = await page.getByTestId('status-history').locator('li').allInnerTexts()
    result.plan_entry = (await page.getByTestId('plan-entry').innerText()).trim()
    await h.shot('project-page')
    await h.axe('project-page')
    await page.setViewportSize({ width: 390, height: 844 })
    await h.shot('project-page-phone')
  },

  /** The office reads the month's reporting status and reminds one unit that still owes, in one click. */
  async 'office-reminds-the-missing'(page, h, result) {
    await h.signIn(input.office)
    await h.nav('报送情况')
    await page.locator('[data-testid="reporting-status"][data-ready="true"]').waitFor()
    result.month_state = (await page.getByTestId('reporting-month-state').innerText()).trim()
    const row = page.getByTestId('reporting-table').getByRole('row', { name: new RegExp(input.unit) })
    await row.getByText(input.project_name).waitFor()
    result.totals = (await page.getByTestId('reporting-totals').innerText()).trim()
    await h.shot('reporting-status')
    await h.axe('reporting-status')
    await row.getByRole('button', { name: '催报' }).click()
    const message = page.locator('.el-message', { hasText: '已催报' })
    await message.waitFor()
    result.message = (await message.innerText()).trim()
    await h.shot('reminded')
  },
}

await runJourney(JOURNEYS, input)
