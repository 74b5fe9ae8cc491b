// README pictures, on demand (not part of the test run: no `.test.` in the name):
//   node tests/e2e/screenshots.mjs          (after scripts/dev.sh build; REPLSCOPE_DIST to use another build)
// Writes docs/screenshots/4x-*.png: the backlog window and its note, the decision card, the
// offsets chart with its marks, the inspector's elements, and the phone layout; and 5x-*.png
// (5x-zh-*.png in 简体中文): a lesson step with its narration and highlight, a question, its
// reveal beside the decision card, and a correction card (`--lessons`: only these). Each picture
// is of one panel (or the phone's screen), so it stays small; the script prints each size and
// fails if one is over 150 KB. 6x-*.png (`--machinery`: only these): a replica's output buffer
// dropped at the hard limit, the same moment in the 6.x layout, the backlog sizing calculator's
// two replays, and the eras compared.
import fs from 'node:fs';
import path from 'node:path';
import { serveDir, launch, ROOT } from './harness.mjs';
import { waitForApp, toEnd, lessonToEnd, scrubTo, consoleCommand, published } from './app.mjs';

const OUT = path.join(ROOT, 'docs', 'screenshots');
const LIMIT = 150 * 1024;
const server = await serveDir();
const browser = await launch();
const written = [];

async function open(query, viewport = { width: 1280, height: 860 }) {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(server.url + query);
  await waitForApp(page);
  return page;
}

async function shot(locator, name) {
  const file = path.join(OUT, `${name}.png`);
  await locator.page().evaluate(() => document.getAnimations().forEach((a) => a.finish()));
  await locator.screenshot({ path: file });
  written.push(file);
}

/** One picture of several elements (e.g. the narration and the panel it highlights). */
async function shotOf(page, selectors, name) {
  // The panels laid out between them are left out of the picture.
  const keep = ['.narration', ...selectors];
  await page.evaluate((keep) => document.querySelectorAll('main.grid > .panel').forEach((el) => {
    el.style.display = keep.some((k) => el.matches(k)) ? '' : 'none';
  }), keep);
  await page.evaluate(() => document.getAnimations().forEach((a) => a.finish()));
  const boxes = [];
  for (const s of selectors) {
    await page.locator(s).first().evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
    boxes.push(await page.locator(s).first().evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + window.scrollX, y: r.top + window.scrollY, r: r.right + window.scrollX, b: r.bottom + window.scrollY };
    }));
  }
  const x = Math.min(...boxes.map((b) => b.x)) - 8, y = Math.min(...boxes.map((b) => b.y)) - 8;
  const clip = { x, y, width: Math.max(...boxes.map((b) => b.r)) + 8 - x, height: Math.max(...boxes.map((b) => b.b)) + 8 - y };
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, clip, fullPage: true });
  await page.evaluate(() => document.querySelectorAll('main.grid > .panel').forEach((el) => { el.style.display = ''; }));
  written.push(file);
}

/** Step until `testid` shows. */
async function stepTo(page, testid) {
  for (let i = 0; i < 300 && !(await page.getByTestId(testid).count()); i++) {
    const before = (await published(page)).step;
    await page.getByTestId('step').click();
    await page.waitForFunction((s) => window.__replscope.step !== s, before, { timeout: 3_000 }).catch(() => {});
  }
}

/** The lesson pictures in one language (`zh`: the 5x-zh- names). */
async function lessonShots(lang) {
  const tag = lang === 'zh-CN' ? 'zh-' : '';
  let page = await open(`?lesson=short-cut-partial-resync&seed=1&lang=${lang}`, { width: 1100, height: 900 });
  await stepTo(page, 'lesson-continue');
  await page.getByTestId('lesson-continue').click();
  await stepTo(page, 'predict-question');
  await shotOf(page, ['.narration', '.backlog-panel'], `50-${tag}lesson-highlight`);
  await shotOf(page, ['.narration'], `51-${tag}question`);
  await page.getByTestId('predict-fullresync').click();
  const held = (await published(page)).step;
  await page.getByTestId('next-decision').click();
  await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, held, { timeout: 10_000 });
  await shotOf(page, ['.narration', '.decision-panel'], `52-${tag}reveal`);
  await page.close();
  page = await open(`?lesson=first-full-sync&seed=1&lang=${lang}`, { width: 1100, height: 900 });
  await stepTo(page, 'lesson-continue');
  await page.getByTestId('lesson-continue').click();
  await stepTo(page, 'predict-question');
  await page.getByTestId('predict-fullresync').click();
  await stepTo(page, 'article-correction');
  await shotOf(page, ['.narration'], `53-${tag}correction`);
  await page.close();
}

/** Issue 14's pictures: buffers and limits, the 6.x layout, the sizing calculator, the eras. */
async function machineryShots() {
  let page = await open('?lesson=slow-replica-output-buffer-limit&seed=7', { width: 1100, height: 900 });
  const last = await lessonToEnd(page);
  // The first step where r1's bar says it was dropped.
  for (let s = 0; s <= last; s++) {
    await scrubTo(page, s);
    if (await page.getByTestId('replica-buffer-m-r1').getByTestId('buffer-dropped').count()) break;
  }
  // m's column: its ring, its replicas' buffers and the layout figure.
  const column = page.getByTestId('layout-figure-m').locator('xpath=ancestor::*[.//*[@data-testid="backlog-m"]][1]');
  await shot(column, '60-replica-buffer-dropped');
  await page.getByTestId('backlog-layout').getByLabel('Redis 6.x and earlier').check();
  await page.waitForFunction(() => document.querySelector('[data-testid=layout-figure-m]')?.dataset.layout === '6.x');
  await shot(column, '61-layout-6x');
  await page.close();

  page = await open('?lesson=long-cut-backlog-overflow-full-resync&seed=7', { width: 1100, height: 900 });
  await lessonToEnd(page);
  const calc = page.getByTestId('sizing-calculator');
  await calc.getByTestId('sizing-use-run-rate').click();
  const rate = Number((await calc.getByTestId('sizing-rate').inputValue()).replace(/,/g, ''));
  await calc.getByTestId('sizing-outage').fill(String(Math.max(10, Math.ceil((10 * 4031) / Math.max(rate, 1)))));
  await calc.getByTestId('sizing-margin').fill('2');
  await calc.getByTestId('sizing-apply').click();
  await calc.getByTestId('sizing-compare').waitFor({ state: 'visible', timeout: 30_000 });
  await shot(calc, '62-sizing-calculator');
  await page.close();

  page = await open('?lesson=promote&seed=7', { width: 1100, height: 900 });
  await page.getByTestId('era-compare').click();
  await page.getByTestId('era-table').waitFor();
  await shot(page.locator('.era-panel'), '63-eras-compared');
  await page.close();
}

try {
  fs.mkdirSync(OUT, { recursive: true });
  if (!process.argv.includes('--machinery')) {
    await lessonShots('en');
    await lessonShots('zh-CN');
  }
  if (process.argv.includes('--lessons')) throw 'done';
  await machineryShots();
  if (process.argv.includes('--machinery')) throw 'done';
  // The backlog: 149 bytes in a 1 MB ring, read on the zoomed strip; then an overrun.
  let page = await open('?lesson=full-sync&seed=7');
  await toEnd(page);
  await shot(page.getByTestId('backlog-m'), '40-backlog-small');
  await page.getByTestId('node-m').locator('button.node-select').click();
  await consoleCommand(page, 'm', `RPUSH queue ${Array.from({ length: 24 }, (_, i) => `job${i + 1}`).join(' ')}`);
  await consoleCommand(page, 'm', 'HSET user:1 name ada lang en');
  await consoleCommand(page, 'm', 'ZADD scores 3 carol 1 alice 2 bob');
  await page.getByTestId('play').click();
  await page.waitForFunction(() => /scores/.test(document.querySelector('[data-testid=inspector-m]')?.innerText ?? ''), null, { timeout: 60_000 });
  if (await page.getByTestId('pause').count()) await page.getByTestId('pause').click();
  await shot(page.locator('.inspector-panel'), '44-inspector-elements');
  await page.close();

  page = await open('?lesson=backlog-overrun&seed=7');
  await toEnd(page);
  await shot(page.getByTestId('backlog-m'), '41-backlog-overrun');
  await shot(page.getByTestId('decision-card'), '42-decision-card');
  await shot(page.getByTestId('offsets-chart'), '43-offsets-chart');
  await page.close();

  // The phone: the topology drawn top to bottom with messages in flight.
  page = await open('?lesson=full-sync&seed=7', { width: 390, height: 844 });
  const { last_step } = await published(page);
  for (let s = 1; s <= last_step; s++) {
    await scrubTo(page, s);
    if ((await page.locator('.topology-svg .flight-label').count()) >= 2) break;
  }
  await page.locator('#h-topology').evaluate((el) => el.scrollIntoView());
  await page.evaluate(() => document.getAnimations().forEach((a) => a.finish()));
  const file = path.join(OUT, '45-phone-topology.png');
  await page.screenshot({ path: file });
  written.push(file);
  await page.close();
} catch (e) {
  if (e !== 'done') throw e;
} finally {
  await browser.close();
  await server.close();
}

let over = false;
for (const f of written) {
  const size = fs.statSync(f).size;
  console.log(`bench: screenshot ${path.relative(ROOT, f)} ${(size / 1024).toFixed(1)} KB`);
  if (size > LIMIT) over = true;
}
if (over) {
  console.error('a screenshot is over 150 KB');
  process.exit(1);
}
