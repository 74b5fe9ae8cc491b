// Issue 12's figures, as a student sees them: the backlog strip's numbered markers never sit on
// each other and its note fits the situation; the offsets chart has axes with values and units
// and marks (decisions, cuts, full syncs) that jump to their step by click or keyboard; the
// inspector shows a collection's first elements and filters keys by glob (rendering at most
// 200 rows of 100,000); on a phone the topology's text is at least 12 px, labels stay off the
// node boxes and on their side of their link, and the sticky bar leaves headings readable; at
// 200 % zoom (720×450 CSS px) the topology and the decision card are on screen together; the
// timeline under the slider marks the branch's cuts, decisions and full syncs, each a button to its step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serveDir, launch, openApp, openSized } from './harness.mjs';
import { waitForApp, toEnd, consoleCommand, consoleAnswer, published, scrubTo } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const text = async (loc) => (await loc.innerText()).replace(/\s+/g, ' ').trim();
const overlap = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Play until `predicate` holds in the page, then pause. */
async function playUntil(page, predicate, arg, timeout = 60_000) {
  await page.getByTestId('play').click();
  await page.waitForFunction(predicate, arg, { timeout });
  if (await page.getByTestId('pause').count()) await page.getByTestId('pause').click();
}

test('backlog: the strip\'s numbered markers never overlap, and the note fits what is on screen', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=backlog-overrun&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const ring = page.getByTestId('backlog-m');
  const circles = await Promise.all([1, 2, 3].map((n) => ring.getByTestId(`strip-marker-${n}`).locator('circle').boundingBox()));
  for (let i = 0; i < 3; i++) {
    for (let j = i + 1; j < 3; j++) assert.ok(!overlap(circles[i], circles[j]), `markers ${i + 1} and ${j + 1} apart`);
  }
  // Over its size, with a replica attached (the topology shows it): the note says why.
  const histlen = Number(await ring.getAttribute('data-histlen'));
  const size = Number(await ring.getAttribute('data-size'));
  assert.ok(histlen > size, `the lesson overruns the backlog (${histlen} > ${size})`);
  assert.ok(await page.getByTestId('node-r1').count(), 'a replica is on screen');
  assert.match(await text(ring.getByTestId('backlog-note')), /replica/);
  // Every term of the window has a tooltip, and every size says its unit.
  const terms = await ring.locator('dl.kv dt abbr').evaluateAll((els) => els.map((e) => [e.textContent.trim(), e.title]));
  for (const word of ['window', 'first byte', 'histlen', 'write head']) {
    const found = terms.find(([t]) => t === word);
    assert.ok(found && found[1].length > 20, `${word} has a tooltip: ${JSON.stringify(found)}`);
  }
  const kv = await ring.locator('dl.kv').innerText();
  assert.match(kv, /histlen\s+\d+ B/);
  assert.match(kv, /size\s+\d+ B/);
  assert.match(await ring.locator('.ring-center.small').textContent(), /^[\d.]+ (B|KB|MB) \/ [\d.]+ (B|KB|MB)$/);
  // A small backlog in a big ring: no note at all, and the strip draws the held bytes to scale.
  const small = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(small.page);
  await toEnd(small.page);
  const m = small.page.getByTestId('backlog-m');
  assert.ok(Number(await m.getAttribute('data-histlen')) < Number(await m.getAttribute('data-size')));
  assert.equal(await m.getByTestId('backlog-note').count(), 0);
  const held = await m.locator('.strip-held').boundingBox();
  const track = await m.locator('.strip-track').boundingBox();
  assert.ok(held.width > track.width * 0.5, `the held bytes fill the zoomed strip (${held.width} of ${track.width} px)`);
  assert.deepEqual([...errors, ...small.errors], []);
});

test('offsets chart: axes in bytes and seconds, and marks that jump to their step', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  const { last_step } = await published(page);
  await scrubTo(page, Math.floor(last_step / 2));
  await toEnd(page);
  const chart = page.getByTestId('offsets-chart');
  const yTicks = await chart.locator('.y-tick text').allTextContents();
  const xTicks = await chart.locator('.x-tick').allTextContents();
  assert.ok(yTicks.length >= 2 && yTicks.every((t) => /^[\d,]+ B$/.test(t)), `byte ticks: ${yTicks}`);
  assert.equal(yTicks[0], '0 B');
  assert.ok(xTicks.length >= 2 && xTicks.every((t) => /^\+[\d.]+ s$/.test(t)), `seconds ticks: ${xTicks}`);
  assert.match(await chart.locator('.axis-title').first().textContent(), /simulated time \(seconds\)/);
  assert.match(await chart.locator('.axis-title').nth(1).textContent(), /offset \(bytes\)/);
  // The highest tick is at least the highest offset in the table.
  const offsets = (await page.getByTestId('offsets').locator('tbody td.num:nth-of-type(2)').allTextContents()).map(Number);
  assert.ok(Number(yTicks.at(-1).replace(/\D/g, '')) >= Math.max(...offsets), `${yTicks.at(-1)} covers ${offsets}`);
  const buttons = chart.getByTestId('chart-marks').getByRole('button');
  const words = await buttons.allInnerTexts();
  assert.ok(words.some((w) => /decides \+FULLRESYNC/.test(w)), `a decision mark: ${words}`);
  assert.ok(words.some((w) => /starts an RDB/.test(w)), `a full-sync mark: ${words}`);
  // Each mark's button is named by its visible text, and jumps to the step it shows.
  for (let i = 0; i < await buttons.count(); i++) {
    const b = buttons.nth(i);
    const name = await b.evaluate((el) => el.getAttribute('aria-label') ?? el.textContent.trim());
    assert.equal(name, (await b.innerText()).trim());
  }
  const decision = buttons.filter({ hasText: 'decides' }).first();
  const step = Number((await decision.innerText()).match(/step (\d+)/)[1]);
  assert.equal(Number(await decision.getAttribute('data-step')), step);
  await decision.click();
  await page.waitForFunction((s) => window.__replscope.step === s, step, { timeout: 30_000 });
  assert.equal(await page.getByTestId('decision-card').getAttribute('data-outcome'), 'fullresync');
  // By keyboard: back at the end, Tab to a mark and press Enter.
  await toEnd(page);
  const rdb = chart.getByTestId('chart-marks').getByRole('button').filter({ hasText: 'starts an RDB' }).first();
  const rdbStep = Number(await rdb.getAttribute('data-step'));
  await rdb.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((s) => window.__replscope.step === s, rdbStep, { timeout: 30_000 });
  assert.deepEqual(errors, []);
});

test('timeline: the branch\'s cut, decision and full sync are marks under the slider, each at its step', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=partial-resync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const { last_step } = await published(page);
  const ticks = page.getByTestId('timeline-marks').getByRole('button');
  const names = await ticks.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  // The lesson cuts m–r1 once and heals: a first full sync, the cut, then +CONTINUE.
  assert.ok(names.some((n) => /cut/i.test(n)), `a cut mark: ${names}`);
  assert.ok(names.some((n) => /\+CONTINUE/.test(n)), `a +CONTINUE mark: ${names}`);
  assert.ok(names.some((n) => /\+FULLRESYNC/.test(n)), `the first sync's decision: ${names}`);
  // The same marks as the offsets chart lists, by step (the chart lists those in its window).
  const chartSteps = (await page.getByTestId('chart-marks').getByRole('button').evaluateAll((els) => els.map((e) => Number(e.dataset.step))));
  const tickSteps = await ticks.evaluateAll((els) => els.map((e) => Number(e.dataset.step)));
  for (const s of chartSteps) assert.ok(tickSteps.includes(s), `chart mark at step ${s} is on the timeline too (${tickSteps})`);
  // Each sits under the slider at its share of the run, left to right in step order.
  const track = await page.getByTestId('timeline').boundingBox();
  const xs = [];
  for (let i = 0; i < await ticks.count(); i++) {
    const box = await ticks.nth(i).boundingBox();
    const step = Number(await ticks.nth(i).getAttribute('data-step'));
    const x = box.x + box.width / 2;
    assert.ok(x >= track.x - 2 && x <= track.x + track.width + 2, `tick ${step} under the slider`);
    const want = track.x + 8 + (track.width - 16) * (step / last_step);
    assert.ok(Math.abs(x - want) < 12, `tick for step ${step} at ${x.toFixed(0)} px, near ${want.toFixed(0)}`);
    xs.push(x);
  }
  assert.deepEqual([...xs].sort((a, b) => a - b), xs);
  // A click jumps: the clock and the decision card follow.
  const cont = page.getByTestId('timeline-marks').locator('button[aria-label*="+CONTINUE"]').first();
  const step = Number(await cont.getAttribute('data-step'));
  await cont.click();
  await page.waitForFunction((s) => window.__replscope.step === s, step, { timeout: 30_000 });
  assert.match(await page.getByTestId('clock').innerText(), new RegExp(`\\b${step}\\b`));
  assert.equal(await page.getByTestId('decision-card').getAttribute('data-outcome'), 'continue');
  assert.deepEqual(errors, []);
});

test('inspector first look: a master\'s replicas laid out from its slaveN lines, a replica\'s link', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  await page.getByTestId('node-m').locator('button.node-select').click();
  const inspector = page.getByTestId('inspector-m');
  const info = async (scope, key) => {
    const dts = await scope.locator('dl.info dt').allInnerTexts();
    const dds = await scope.locator('dl.info dd').allInnerTexts();
    return dds[dts.findIndex((d) => d.trim() === key)]?.trim();
  };
  const row = inspector.getByTestId('replica-rows-m').locator('tbody tr[data-replica="r1"]');
  await row.waitFor({ timeout: 30_000 });
  const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
  // The same figures as INFO's own slave0 line and master_repl_offset, in columns.
  const slave0 = await info(inspector, 'slave0');
  const head = Number(await info(inspector, 'master_repl_offset'));
  assert.match(slave0, new RegExp(`state=${cells[0]},offset=${cells[1]},lag=${cells[3].replace(' s', '')}$`));
  assert.equal(Number(cells[2]), head - Number(cells[1]), 'behind = master_repl_offset − offset');
  assert.match(await inspector.getByTestId('replica-rows-m').locator('caption').innerText(), new RegExp(`master_repl_offset ${head}`));
  // A replica's link, as its INFO says it.
  await page.getByTestId('node-r1').locator('button.node-select').click();
  const r1 = page.getByTestId('inspector-r1');
  const link = r1.getByTestId('replica-link-r1');
  await link.waitFor({ timeout: 30_000 });
  assert.equal(await link.getAttribute('data-status'), await info(r1, 'master_link_status'));
  assert.equal((await link.locator('dd[data-field="master_last_io_seconds_ago"]').innerText()).trim(), await info(r1, 'master_last_io_seconds_ago'));
  assert.deepEqual(errors, []);
});

test('inspector: a collection\'s first elements, a glob filter, and 100,000 keys rendered 200 at a time', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const items = Array.from({ length: 25 }, (_, i) => `item${String(i).padStart(2, '0')}`);
  await consoleCommand(page, 'm', `RPUSH mylist ${items.join(' ')}`);
  await consoleCommand(page, 'm', 'HSET myhash color blue size 42');
  await consoleCommand(page, 'm', 'ZADD myzset 2 two 1 one');
  await page.getByTestId('node-m').locator('button.node-select').click();
  const inspector = page.getByTestId('inspector-m');
  const row = (key) => inspector.locator('.key-table tr').filter({ has: page.locator('td.key', { hasText: new RegExp(`^${key}$`) }) });
  await playUntil(page, () => /myzset/.test(document.querySelector('[data-testid=inspector-m]')?.innerText ?? ''));
  const list = await row('mylist').getByTestId('elements').locator('li').allInnerTexts();
  assert.deepEqual(list.slice(0, 20), items.slice(0, 20), 'the first 20 elements, in list order');
  assert.equal(list[20], '… and 5 more');
  assert.deepEqual(await row('myhash').getByTestId('elements').locator('li').allInnerTexts(), ['color → blue', 'size → 42']);
  assert.deepEqual(await row('myzset').getByTestId('elements').locator('li').allInnerTexts(), ['one (1)', 'two (2)']);
  // The filter is a KEYS glob: `my*h` matches myhash only.
  await inspector.getByTestId('key-filter').fill('my*h');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=inspector-m] .key-table tbody tr').length === 1);
  assert.match(await text(inspector.getByTestId('db-0').locator('h3')), /^db0 · 1 of \d+ keys match my\*h$/);
  assert.match(await inspector.getByTestId('key-filter').evaluate((el) => el.labels[0].innerText), /glob/);
  // 100,000 keys: only 200 rows are rendered and the heading says of how many.
  await inspector.getByTestId('key-filter').fill('');
  const pairs = Array.from({ length: 100_000 }, (_, i) => `k:${i} v`).join(' ');
  await consoleCommand(page, 'm', `MSET ${pairs}`);
  await playUntil(page, () => /of 100,00\d keys/.test(document.querySelector('[data-testid=db-0] h3')?.innerText ?? ''), null, 120_000);
  assert.match(await text(inspector.getByTestId('db-0').locator('h3')), /^db0 · showing 200 of 100,00\d keys$/);
  assert.equal(await inspector.locator('[data-testid=db-0] .key-table tbody tr').count(), 200);
  const t0 = Date.now();
  await inspector.getByTestId('key-filter').fill('k:9999?');
  await page.waitForFunction(() => /match k:9999\?$/.test(document.querySelector('[data-testid=db-0] h3')?.innerText ?? ''));
  const ms = Date.now() - t0;
  assert.match(await text(inspector.getByTestId('db-0').locator('h3')), /^db0 · 10 of 100,00\d keys match k:9999\?$/);
  console.log(`bench: inspector filter over 100,000 keys answered in ${ms} ms (wall, headless)`);
  assert.deepEqual(errors, []);
});

test('a 10 MB value: the console shows the head of its reply and says how much more; the inspector and the next command stay quick', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const size = 10 * 1024 * 1024;
  const timed = async (line) => { const t = Date.now(); const reply = await consoleAnswer(page, 'm', line); return { reply, ms: Date.now() - t }; };
  // SETRANGE past the end pads with zero bytes: a 10 MB string from one short command.
  const made = await timed(`SETRANGE big ${size - 1} x`);
  assert.equal(made.reply, `(integer) ${size}`);
  const get = await timed('GET big');
  // What redis-cli would print: a quote, "\x00" for each zero byte, the final x, a quote.
  const whole = 1 + 4 * (size - 1) + 1 + 1;
  assert.ok(get.reply.startsWith('"\\x00\\x00'), get.reply.slice(0, 20));
  const cut = await page.getByTestId('console-out-m').locator('li').last().getByTestId('reply-cut').innerText();
  const [more, kept] = [...cut.matchAll(/[\d,]+/g)].map((m) => Number(m[0].replace(/,/g, '')));
  assert.equal(get.reply.length, kept, 'the console shows as many characters as it says it keeps');
  assert.equal(more + kept, whole, cut);
  assert.ok(kept <= 65_536, `${kept} characters on screen`);
  const next = await timed('STRLEN big');
  assert.equal(next.reply, `(integer) ${size}`);
  // The inspector's preview reads the value's first bytes only.
  await page.getByTestId('node-m').locator('button.node-select').click();
  const inspector = page.getByTestId('inspector-m');
  const row = inspector.locator('.key-table tr').filter({ has: page.locator('td.key', { hasText: /^big$/ }) });
  assert.match(await row.innerText(), /string[\s\S]*\\x00\\x00.*…/);
  console.log(`bench: console with a 10 MB value (wall, headless): SETRANGE ${made.ms} ms, GET ${get.ms} ms (${get.reply.length} of ${whole} characters shown), STRLEN after it ${next.ms} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});

/** Every text of the topology drawing: its font size on screen (CSS px × the SVG's scale). */
async function topologyText(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('.topology-svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim() && t.getBBox().width > 0).map((t) => ({
      text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
    }));
  });
}

test('phone (390×844): topology text ≥ 12 px, labels off the node boxes and on their side, headings not under the bar', async () => {
  const { page, errors } = await openSized(browser.context, server.url, '?lesson=full-sync&seed=7', 390, 844);
  await waitForApp(page);
  // Walk the lesson and look at every step that has messages in flight.
  const { last_step } = await published(page);
  let seenFlights = 0;
  for (let s = 0; s <= last_step; s++) {
    await scrubTo(page, s);
    // Measure where things come to rest (flights glide to their place in 0.25 s).
    await page.evaluate(() => document.getAnimations().forEach((a) => a.finish()));
    const small = (await topologyText(page)).filter((t) => t.px < 12 - 0.01);
    assert.deepEqual(small, [], `step ${s}: text under 12 px`);
    const bad = await page.evaluate(() => {
      const boxes = [...document.querySelectorAll('.topology-svg .node rect')].map((r) => r.getBoundingClientRect());
      const out = [];
      for (const g of document.querySelectorAll('.topology-svg .flights')) {
        const line = document.querySelector(`.topology-svg .link[data-link="${g.dataset.link}"] line`).getBoundingClientRect();
        const cx = line.left + line.width / 2;
        for (const label of g.querySelectorAll('.flight-label')) {
          const r = label.getBoundingClientRect();
          if (boxes.some((b) => r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom)) out.push(`${label.textContent} on a node box`);
          // An upright link: a label stays on one side of the line (its lane), never across it.
          if (line.width < 2 && r.left < cx && r.right > cx) out.push(`${label.textContent} across its link`);
        }
      }
      // Each label keeps to its lane: no two labels on top of each other.
      const all = [...document.querySelectorAll('.topology-svg .flight-label')];
      const rects = all.map((l) => l.getBoundingClientRect());
      for (let i = 0; i < rects.length; i++) {
        for (let j = i + 1; j < rects.length; j++) {
          const [a, b] = [rects[i], rects[j]];
          if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) out.push(`${all[i].textContent} over ${all[j].textContent}`);
        }
      }
      return { out, flights: all.length };
    });
    seenFlights += bad.flights;
    assert.deepEqual(bad.out, [], `step ${s}`);
  }
  assert.ok(seenFlights > 0, 'the lesson had messages in flight to check');
  // Scrolling a panel heading into view leaves it below the sticky bar.
  for (const id of ['h-topology', 'h-decision', 'h-backlog', 'h-offsets']) {
    const h = page.locator(`#${id}`);
    if (!(await h.count())) continue;
    await h.evaluate((el) => el.scrollIntoView());
    const bar = await page.locator('.time-controls').boundingBox();
    const box = await h.boundingBox();
    assert.ok(box.y >= bar.y + bar.height - 0.5, `${id} at ${box.y} is below the bar (bottom ${bar.y + bar.height})`);
  }
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), true, 'no sideways scroll');
  await page.close();
  assert.deepEqual(errors, []);
});

test('200 % zoom (720×450 CSS px at device scale 2): the topology and the decision card on screen together', async () => {
  const own = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const context = await own.newContext({ viewport: { width: 720, height: 450 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(server.url + '?lesson=full-sync&seed=7');
    await waitForApp(page);
    await page.getByTestId('next-decision').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.outcome, null, { timeout: 30_000 });
    await page.locator('#h-topology').evaluate((el) => el.scrollIntoView());
    const bar = await page.locator('.time-controls').boundingBox();
    const visible = (b) => b && b.y >= bar.y + bar.height - 1 && b.y + Math.min(b.height, 60) <= 450;
    const svg = await page.locator('.topology-svg').boundingBox();
    const card = await page.getByTestId('decision-card').boundingBox();
    assert.ok(visible(svg) && svg.y + svg.height <= 450, `the whole topology drawing is on screen: ${JSON.stringify(svg)}`);
    assert.ok(visible(card), `the decision card's top is on screen beside it: ${JSON.stringify(card)}`);
    assert.ok(card.x >= svg.x + svg.width - 1, 'side by side');
    // Both panel headings are below the bar, and the drawing's text is still readable.
    for (const id of ['h-topology', 'h-decision']) {
      const h = await page.locator(`#${id}`).boundingBox();
      assert.ok(h.y >= bar.y + bar.height - 0.5, `${id} at ${h.y} is below the bar (bottom ${bar.y + bar.height})`);
    }
    const small = (await topologyText(page)).filter((t) => t.px < 9);
    assert.deepEqual(small, [], 'topology text at least 9 CSS px (18 device px at 200 %; it was 6.7)');
    await context.close();
  } finally {
    await own.close();
  }
});
