// The office's imports, exports and delivery audit in a real Chromium: `node e2e/journey-exchange.mjs <journey>` with
// E2E='{"base": ..., ...}'. Prints one line `RESULT {...}`; screenshots of the main steps go to <out>/<journey>/,
// and on failure a Playwright trace (trace.zip) beside them. Driven by tests/e2e/test_web_console_exchange.py.
import { join } from 'node:path'
import { runJourney } from './browser.mjs'

const input = JSON.parse(process.env.E2E ?? '{}')

/** Uploads a file through one import card and waits for the API's answer on screen. */
async function upload(card, file, button = '导入') {
  await card.locator('input[type="file"]').setInputFiles(file)
  await card.getByRole('button', { name: button, exact: true }).click()
  await card.locator('[data-testid="import-done"], [data-testid="import-refused"]').first().waitFor()
}

/** What an import card says: the outcome and each bad cell (row, column, message) of the table. */
async function outcome(card) {
  const done = card.getByTestId('import-done')
  const refused = card.getByTestId('import-refused')
  const rows = card.getByTestId('cell-problems').locator('tbody tr')
  const problems = []
  for (let index = 0; index < (await rows.count()); index += 1) {
    const row = rows.nth(index)
    problems.push({
      row: (await row.getByTestId('problem-row').innerText()).trim(),
      column: (await row.getByTestId('problem-column').innerText()).trim(),
      message: (await row.getByTestId('problem-message').innerText()).trim(),
    })
  }
  return {
    done: (await done.count()) ? (await done.innerText()).trim() : null,
    refused: (await refused.count()) ? (await refused.innerText()).trim() : null,
    problems,
  }
}

/** Clicks a download button and keeps the file under input.downloads: its suggested name and where it is. */
async function download(page, button) {
  const started = page.waitForEvent('download')
  await button.click()
  const saved = await started
  const path = join(input.downloads, saved.suggestedFilename())
  await saved.saveAs(path)
  return { name: saved.suggestedFilename(), path }
}

/** Asks for every export on the page in turn: each either saved (its file kept) or refused by the API. */
async function everyExport(page) {
  const outcomes = {}
  const buttons = page.locator('[data-export]')
  for (let index = 0; index < (await buttons.count()); index += 1) {
    const button = buttons.nth(index)
    const name = await button.getAttribute('data-export')
    const started = page.waitForEvent('download').catch(() => null)
    await button.click()
    await page.locator(`[data-export="${name}"][data-outcome]`).waitFor()
    const outcome = await button.getAttribute('data-outcome')
    if (outcome === 'saved') {
      const saved = await started
      const path = join(input.downloads, `${name}-${saved.suggestedFilename()}`)
      await saved.saveAs(path)
      outcomes[name] = { outcome, name: saved.suggestedFilename(), path }
    } else {
      outcomes[name] = { outcome }
    }
  }
  return outcomes
}

async function choose(page, selector, text) {
  await page.locator(selector).click()
  await page.keyboard.type(text)
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

const JOURNEYS = {
  /** The office imports projects: a file with a bad row is refused whole, its bad cell shown; the fixed file
   * imports; the month's statistics download as xlsx. */
  async 'office-imports-and-exports'(page, h, result) {
    await h.signIn(input.office)
    await h.nav('导入导出')
    // the year and the month are this month's by default, as the files and the export expect
    result.period = [await page.locator('#exchange-year').inputValue(), await page.locator('#exchange-month').inputValue()]
    const card = page.getByTestId('import-projects')
    await upload(card, input.bad_file)
    result.bad = await outcome(card)
    await h.shot('project-import-refused')
    await h.axe('exchange-refused')
    await upload(card, input.good_file)
    result.good = await outcome(card)
    await h.shot('project-import-done')
    const provincial = page.getByTestId('import-provincial')
    await upload(provincial, input.provincial_file, '上传并校验')
    result.provincial = await outcome(provincial)
    result.provincial_apply_disabled = await provincial.getByRole('button', { name: /应用可用的/ }).isDisabled()
    await h.shot('provincial-staged')
    result.export = await download(page, page.getByRole('button', { name: '下载月统计表', exact: true }))
    result.exports = await everyExport(page)
    await h.axe('exchange')
    await page.setViewportSize({ width: 390, height: 844 })
    await h.shot('exchange-phone')
  },

  /** The office imports accounts on the accounts page: a bad file shows its errors, the good one the new accounts
   * with their one-time passwords. */
  async 'office-imports-accounts'(page, h, result) {
    await h.signIn(input.office)
    await h.nav('账号管理')
    await page.getByRole('button', { name: '批量导入' }).click()
    const card = page.getByRole('dialog').getByTestId('import-accounts')
    await upload(card, input.bad_file)
    result.bad = await outcome(card)
    await h.shot('accounts-import-refused')
    await upload(card, input.good_file)
    result.good = await outcome(card)
    const rows = card.getByTestId('imported-accounts').locator('tbody tr')
    result.accounts = []
    for (let index = 0; index < (await rows.count()); index += 1) {
      const row = rows.nth(index)
      result.accounts.push({
        username: (await row.getByTestId('imported-username').innerText()).trim(),
        password: (await row.getByTestId('imported-password').innerText()).trim(),
      })
    }
    await h.shot('accounts-imported')
    await h.axe('accounts-import')
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'hidden' })
    result.listed = await page.getByRole('cell', { name: result.accounts[0]?.username ?? '-', exact: true }).count()
  },

  /** The office finds the reminder's deliveries in the audit, by unit and event, and exports them. */
  async 'office-audits-deliveries'(page, h, result) {
    await h.signIn(input.office)
    await h.nav('送达审计')
    await page.locator('[data-testid="deliveries"][data-ready="true"]').waitFor()
    await choose(page, '#deliveries-unit', input.unit)
    await page.locator('[data-testid="deliveries"][data-ready="true"]').waitFor()
    await choose(page, '#deliveries-event', '月报催报')
    const table = page.getByTestId('deliveries-table')
    await page.getByTestId('deliveries-total').getByText(`共 ${input.expected} 条`).waitFor()
    await table.getByTestId('delivery-title').first().waitFor()
    const rows = table.locator('tbody tr')
    result.rows = []
    for (let index = 0; index < (await rows.count()); index += 1) {
      const row = rows.nth(index)
      result.rows.push({
        title: (await row.getByTestId('delivery-title').innerText()).trim(),
        event: (await row.getByTestId('delivery-event').innerText()).trim(),
        unit: (await row.getByTestId('delivery-unit').innerText()).trim(),
        recipient: (await row.getByTestId('delivery-recipient').innerText()).trim(),
        channel: (await row.getByTestId('delivery-channel').innerText()).trim(),
        status: (await row.getByTestId('delivery-status').innerText()).trim(),
        attempts: (await row.getByTestId('delivery-attempts').innerText()).trim(),
        error: (await row.getByTestId('delivery-error').innerText()).trim(),
      })
    }
    result.total = (await page.getByTestId('deliveries-total').innerText()).trim()
    await h.shot('delivery-audit')
    await h.axe('delivery-audit')
    result.export = await download(page, page.getByRole('button', { name: '导出 Excel' }))
  },
}

await runJourney(JOURNEYS, input)
