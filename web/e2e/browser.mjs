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
