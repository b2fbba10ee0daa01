// The journeys' own helpers, checked on a page of their own, with no platform behind it
// (tests/e2e/test_browser_harness.py).
import { axeViolations, runJourney } from './browser.mjs'

const input = JSON.parse(process.env.E2E)

// Dark text on white, fading in over 20 s as a message of the console does in 0.3 s: 2 s in, it is at a tenth
// of its opacity, far too faint to read.
const FADING_IN = `<!doctype html><html lang="zh-CN"><head><title>提示</title><style>
  .message { color: #1f2329; background: #fff; opacity: 0; transition: opacity 20s linear; }
  .message.shown { opacity: 1; }
</style></head><body><main><h1>提示</h1><p class="message">计划已发布</p></main></body></html>`

const JOURNEYS = {
  async 'axe-reads-a-message-fading-in-at-rest'(page, h, result) {
    await page.setContent(FADING_IN)
    await page.evaluate(() => requestAnimationFrame(() => document.querySelector('.message').classList.add('shown')))
    await page.waitForTimeout(2000)
    result.opacity_before = await page.locator('.message').evaluate((el) => getComputedStyle(el).opacity)
    result.mid_fade = await axeViolations(page) // axe-core as it is, on the page as it is now
    await h.axe('at-rest') // what every journey's check does
  },
}

await runJourney(JOURNEYS, input)
