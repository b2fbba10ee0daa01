// Debian's Chromium driven by playwright-core (Playwright's own browser download does not work here).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A fresh browser (its own empty profile) and a context in Chinese, on Shanghai time. */
export async function launch(viewport = { width: 1366, height: 860 }) {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run \`make browser\` (apt-get install chromium)`)
  const profile = mkdtempSync(join(tmpdir(), 'gongjian-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport,
  })
  const close = async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
  return { context, close }
}

const require = createRequire(import.meta.url)
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page) {
  await page.addScriptTag({ content: AXE })
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const found = await axe.run(document, { resultTypes: ['violations'] })
    return found.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }))
  })
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

export function outputFolder(base, name) {
  const folder = join(base, name)
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  return folder
}

export const TIMEOUT = 20_000

/** Signs `person` ({username, password}) in with the keyboard, onto the home page (我的待办). */
export async function signIn(page, base, person) {
  await page.goto(`${base}/login`)
  await page.locator('#username').fill(person.username)
  await page.locator('#password').fill(person.password)
  await page.locator('#password').press('Enter')
  await page.getByRole('heading', { level: 1, name: '我的待办' }).waitFor()
}

export async function signOut(page) {
  await page.getByRole('button', { name: '退出' }).click()
  await page.locator('#username').waitFor()
}

// Every transition and animation cut to its end, for the axe-core checks (`journeyHelpers`' `axe`).
const AT_REST = '*, *::before, *::after { transition: none !important; animation: none !important; }'

/** What every journey does on a page: numbered full-page screenshots, axe-core checks, the main menu, and
 * signing in (on the platform at `base`) and out. */
export function journeyHelpers(page, folder, result, base) {
  let step = 0
  return {
    signIn: (person) => signIn(page, base, person),
    signOut: () => signOut(page),
    async shot(name) {
      step += 1
      await page.screenshot({ path: join(folder, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true })
    },
    async axe(name) {
      await page.mouse.move(0, 0) // the page as it rests, not a button's hover colour under the pointer
      // and with its transitions at their end: a message fading in is not the colours it is read in
      const atRest = await page.addStyleTag({ content: AT_REST })
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))))
      result.axe[name] = await axeViolations(page)
      await atRest.evaluate((style) => style.remove())
    },
    async nav(title, heading = title) {
      await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: title, exact: true }).click()
      await page.getByRole('heading', { level: 1, name: heading }).waitFor()
    },
  }
}

/**
 * Runs the journey named on the command line (`node e2e/<script>.mjs <journey>`) in a fresh Chromium and prints
 * one line `RESULT {...}` (its findings, axe-core violations, page errors, the error if it failed); screenshots of
 * its steps go to <out>/<journey>/, and on failure a Playwright trace (trace.zip) beside them. `moreHelpers` adds
 * a script's own helpers to `journeyHelpers`.
 */
export async function runJourney(journeys, input, moreHelpers = () => ({})) {
  const name = process.argv[2]
  const journey = journeys[name]
  if (!journey) throw new Error(`no journey ${name}; known: ${Object.keys(journeys).join(', ')}`)
  const folder = outputFolder(input.out, name)
  const { context, close } = await launch()
  context.setDefaultTimeout(TIMEOUT)
  await context.tracing.start({ screenshots: true, snapshots: true })
  const page = context.pages()[0] ?? (await context.newPage())
  const result = { journey: name, axe: {}, console_errors: [] }
  page.on('pageerror', (error) => result.console_errors.push(String(error)))
  try {
    const helpers = { ...journeyHelpers(page, folder, result, input.base), ...moreHelpers(page) }
    await journey(page, helpers, result)
    await context.tracing.stop()
  } catch (error) {
    await page.screenshot({ path: join(folder, 'failure.png'), fullPage: true }).catch(() => {})
    await context.tracing.stop({ path: join(folder, 'trace.zip') })
    result.error = String(error?.stack ?? error)
  } finally {
    await close()
  }
  console.log(`RESULT ${JSON.stringify(result)}`)
  process.exitCode = result.error ? 1 : 0
}
