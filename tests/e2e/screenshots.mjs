// README pictures, on demand (not part of the test run: no `.test.` in the name):
//   node tests/e2e/screenshots.mjs          (after scripts/dev.sh build; REPLSCOPE_DIST to use another build)
// Writes docs/screenshots/4x-*.png: the backlog window and its note, the decision card, the
// offsets chart with its marks, the inspector's elements, and the phone layout. Each picture
// is of one panel (or the phone's screen), so it stays small; the script prints each size and
// fails if one is over 150 KB.
import fs from 'node:fs';
import path from 'node:path';
import { serveDir, launch, ROOT } from './harness.mjs';
import { waitForApp, toEnd, scrubTo, consoleCommand, published } from './app.mjs';

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

try {
  fs.mkdirSync(OUT, { recursive: true });
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
