// Issue 6's finish: the inspector lists keys with their TYPE and PTTL (user text stays text),
// the controls draw their icons as inline SVG (no symbol font needed), the time-control bar
// never covers a panel on a wide screen and stays usable on a phone in portrait, and the
// decision card's yes/no follow the engine's rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp, screenshot, openSized } from './harness.mjs';
import { waitForApp, toEnd, consoleCommand, link } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Run until `predicate` holds in the page (Play, wait, Pause). */
async function playUntil(page, predicate, arg) {
  await page.getByTestId('play').click();
  await page.waitForFunction(predicate, arg, { timeout: 30_000 });
  if (await page.getByTestId('pause').count()) await page.getByTestId('pause').click();
}

test('the inspector lists keys per db with TYPE, PTTL and a preview, as text', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  await page.getByTestId('node-m').locator('.node-select').click();
  await consoleCommand(page, 'm', 'SET "<b>bold</b>" "<img src=x onerror=alert(1)>"');
  await consoleCommand(page, 'm', 'RPUSH list a b c');
  await consoleCommand(page, 'm', 'SET soon v PX 600000');
  await playUntil(page, () => {
    const rows = [...document.querySelectorAll('[data-testid=inspector-m] [data-testid=db-0] tbody tr')];
    return rows.some((r) => r.cells[0].textContent === 'soon');
  });
  const rows = await page.$$eval('[data-testid=inspector-m] [data-testid=db-0] tbody tr',
    (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  const row = (key) => rows.find((r) => r[0] === key);
  assert.deepEqual(row('<b>bold</b>')?.slice(0, 3), ['<b>bold</b>', 'string', '-1 (none)'], JSON.stringify(rows));
  assert.equal(row('<b>bold</b>')[3], '<img src=x onerror=alert(1)>');
  // A collection's size, then its elements (issue 12; textContent runs the list items together).
  assert.deepEqual(row('list')?.slice(1), ['list', '-1 (none)', '3 elements' + 'abc']);
  const pttl = Number(row('soon')[2].split(' ')[0]);
  assert.ok(pttl > 0 && pttl <= 600000, `PTTL counts down from 600000: ${row('soon')[2]}`);
  // Keys are sorted by their bytes, as the engine lists them.
  const keys = rows.map((r) => r[0]);
  assert.deepEqual(keys, [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  // What the user typed never became markup.
  assert.equal(await page.locator('[data-testid=inspector-m] b, [data-testid=inspector-m] img').count(), 0);
  await screenshot(page, '09-inspector-keys');
  assert.deepEqual(errors, []);
});

test('controls draw SVG icons, never symbol-font glyphs', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  for (const id of ['step-back', 'play', 'step', 'next-decision']) {
    const icon = page.getByTestId(id).locator('svg.icon');
    assert.equal(await icon.count(), 1, `${id} has one icon`);
    assert.equal(await icon.getAttribute('aria-hidden'), 'true');
    assert.ok((await page.getByTestId(id).getAttribute('aria-label') ?? await page.getByTestId(id).innerText()).length > 0);
  }
  for (const id of ['cut', 'heal', 'hold', 'release']) {
    assert.equal(await link(page, 'm', 'r1').getByTestId(id).locator('svg.icon').count(), 1, `${id} has an icon`);
  }
  // No arrows, dingbats, misc technical/symbols or emoji left in any control or panel text:
  // those need a symbol font the page does not ship.
  const glyphs = await page.evaluate(() => {
    const re = /[\u2190-\u21FF\u2300-\u23FF\u2460-\u27BF\u2900-\u2BFF\u{1F300}-\u{1FAFF}\uFF0B]/u;
    const found = [];
    for (const el of document.querySelectorAll('button, .time-controls, .panel h2, .cards, .decision, .ring')) {
      const t = el.innerText;
      if (re.test(t)) found.push(t.match(re)[0] + ' in ' + el.className);
    }
    return found;
  });
  // The sequence diagram and the "just happened" strip write "a → b" in prose; only symbols
  // standing alone as icons matter, and those are gone from the controls.
  assert.deepEqual(glyphs.filter((g) => !g.startsWith('→') && !g.startsWith('↔')), []);
  assert.deepEqual(errors, []);
});

test('the time-control bar never covers a panel on a wide screen', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const overlaps = await page.evaluate(() => {
    const bar = document.querySelector('.time-controls').getBoundingClientRect();
    return [...document.querySelectorAll('.panel')].filter((p) => {
      const r = p.getBoundingClientRect();
      return r.top < bar.bottom && r.bottom > bar.top && r.left < bar.right && r.right > bar.left;
    }).map((p) => p.className);
  });
  assert.deepEqual(overlaps, []);
  assert.deepEqual(errors, []);
});

test('on a phone in portrait the bar stays reachable, compact, with room for the panels', async () => {
  const { page, errors } = await openSized(browser.context, server.url, '?lesson=full-sync&seed=7', 390, 844);
  await waitForApp(page);
  await toEnd(page);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const bar = await page.locator('.time-controls').boundingBox();
  assert.ok(bar.y >= 0 && bar.y < 5, `the bar sticks to the top (y=${bar.y})`);
  assert.ok(bar.height < 844 * 0.3, `the bar leaves most of the screen to the panels (${bar.height}px)`);
  const play = await page.getByTestId('play').boundingBox();
  assert.ok(play.width >= 40 && play.height >= 40, 'a thumb-sized play button');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), true, 'no sideways scroll');
  await page.getByTestId('step').click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, '08-phone-portrait');
  await page.close();
  assert.deepEqual(errors, []);
});

test('the decision card shows the checks the engine reported', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await page.getByTestId('next-decision').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.outcome !== 'none');
  const card = page.getByTestId('decision-card');
  const rule = await card.getAttribute('data-rule');
  const check = async (id) => card.getByTestId(id).locator('[data-check]').getAttribute('data-check');
  // The first sync fails the history test (a fresh replica asks with its own replid, as 7.0's
  // replicationCacheMasterUsingMyself makes it, or with "?"): Redis never looks at the window.
  assert.ok(['ReplidMismatch', 'NoHistory'].includes(rule), rule);
  assert.equal(await check('check-history'), 'failed');
  assert.equal(await check('check-window'), 'not-reached');
  // After a short cut the same card says yes twice: +CONTINUE.
  const { last_step } = await page.evaluate(() => ({ last_step: window.__replscope.last_step }));
  await toEnd(page);
  await link(page, 'm', 'r1').getByTestId('cut').click();
  await link(page, 'm', 'r1').getByTestId('heal').click();
  await page.getByTestId('next-decision').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.outcome === 'continue', null, { timeout: 30_000 });
  assert.equal(await card.getAttribute('data-rule'), 'Accepted');
  assert.equal(await check('check-history'), 'passed');
  assert.equal(await check('check-window'), 'passed');
  assert.ok(last_step > 0);
  assert.deepEqual(errors, []);
});
