// Link speed in the page (issue 14): each link card shows its latency and bandwidth (from the
// snapshot) and offers presets; setting m–r1 to "cross-region" measurably lengthens a full
// sync, read from the page's clock between the RDB's start and the replica's master_link_status: up.
// Custom figures typed for a link are checked (a bad one says why and sends nothing) and applied.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp } from './harness.mjs';
import { published, waitForApp, toEnd, consoleAnswer, link } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const text = async (loc) => (await loc.innerText()).replace(/\s+/g, ' ').trim();


/** The page clock's time of day, in ms (`step 12 / 40 · 00:00:01.250`). */
async function clockMs(page) {
  const m = (await text(page.getByTestId('clock'))).match(/(\d\d):(\d\d):(\d\d)\.(\d\d\d)$/);
  assert.ok(m, 'the clock shows a time');
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

async function runTo(page, label) {
  const before = (await published(page)).step;
  await page.getByTestId('next-kind').selectOption({ label });
  await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, before, { timeout: 30_000 });
  return text(page.getByTestId('just-happened'));
}

/** After the first full sync, r1 leaves (REPLICAOF NO ONE gives it a replid of its own, which m
 * never had), a preset is optionally picked for m–r1, and r1 attaches again: a second full sync.
 * Returns the link's speed words and that sync's span in ms on the page's clock. */
async function fullSyncSpan(preset) {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  await consoleAnswer(page, 'r1', 'REPLICAOF NO ONE');
  await page.waitForFunction(() => document.querySelector('[data-testid=node-r1]')?.dataset.role === 'master', null, { timeout: 30_000 });
  const speed = page.getByTestId('link-speed-m-r1');
  let words = await text(speed.getByTestId('link-speed-words'));
  if (preset?.custom) {
    // Typed figures: latency in ms, bandwidth in the chosen unit, sent with Set.
    const [latency, bandwidth, unit] = preset.custom;
    const custom = speed.getByTestId('link-speed-custom');
    await custom.locator('summary').click();
    await custom.getByTestId('link-speed-latency').fill(latency);
    await custom.getByTestId('link-speed-bandwidth').fill(bandwidth);
    await custom.getByTestId('link-speed-unit').selectOption({ label: unit });
    await custom.getByTestId('link-speed-set').click();
    await page.waitForFunction((w) => {
      const el = document.querySelector('[data-testid=link-speed-m-r1] [data-testid=link-speed-words]');
      return el && el.textContent.trim() !== w;
    }, words, { timeout: 30_000 });
    words = await text(speed.getByTestId('link-speed-words'));
    assert.equal(await custom.getByTestId('link-speed-error').count(), 0);
  } else if (preset) {
    const select = speed.getByTestId('link-speed-preset');
    const label = (await select.locator('option').allInnerTexts()).find((o) => o.startsWith(preset));
    assert.ok(label, `a "${preset}" option`);
    await select.selectOption({ label });
    await page.waitForFunction((w) => {
      const el = document.querySelector('[data-testid=link-speed-m-r1] [data-testid=link-speed-words]');
      return el && el.textContent.trim() !== w;
    }, words, { timeout: 30_000 });
    words = await text(speed.getByTestId('link-speed-words'));
    // The prompt comes back; the figures beside it say what is set.
    assert.equal(await select.inputValue(), '');
  }
  // The console runs to the command's answer (past m's +FULLRESYNC decision): wait for it to
  // be there before asking for the next step of a kind. From the RDB's
  // start (the fork, after repl-diskless-sync-delay) to r1's link up is the transfer and load.
  assert.equal(await consoleAnswer(page, 'r1', 'REPLICAOF m'), 'OK');
  assert.match(await runTo(page, 'next full sync (RDB)'), /m starts an RDB at offset \d+ for r1/);
  const started = await clockMs(page);
  // m counts r1 online once it has written the RDB; r1 has it when its master_link_status
  // reads up: step until then.
  const status = page.getByTestId('node-r1').getByTestId('master-link-status');
  for (let i = 0; i < 300 && (await text(status)) !== '· master_link_status: up'; i++) {
    const before = (await published(page)).step;
    await page.getByTestId('step').click();
    await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, before, { timeout: 30_000 });
  }
  assert.equal(await text(status), '· master_link_status: up');
  const online = await clockMs(page);
  assert.deepEqual(errors, []);
  await page.close();
  return { words, span: online - started };
}

test('a link card shows its speed; "cross-region" lengthens the full sync on the clock', async () => {
  const plain = await fullSyncSpan(null);
  const far = await fullSyncSpan('cross-region');
  console.log(`bench: full sync RDB start -> r1 master_link_status up: default link (${plain.words}) ${plain.span} ms, cross-region (${far.words}) ${far.span} ms`);
  // The figures the user chose, with units, read from the snapshot on the card.
  assert.equal(far.words, 'speed 70 ms · 12.5 MB/s');
  assert.match(plain.words, /^speed \d+ ms · [\d.]+ [KMG]?B\/s$/);
  assert.notEqual(plain.words, far.words);
  // The RDB crosses the link at least once more slowly by the added one-way delay (70 ms vs the
  // default's few ms): the same full sync takes measurably longer in simulated time.
  const plainLatency = Number(plain.words.match(/speed (\d+) ms/)[1]);
  assert.ok(far.span >= plain.span + (70 - plainLatency), `cross-region ${far.span} ms vs default ${plain.span} ms`);
});

test('in Chinese the link speed and its presets read in Chinese', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7&lang=zh-CN');
  await waitForApp(page);
  await toEnd(page);
  const speed = link(page, 'm', 'r1').getByTestId('link-speed-m-r1');
  assert.match(await text(speed.getByTestId('link-speed-words')), /^速度 \d+ ms · /);
  const options = await speed.getByTestId('link-speed-preset').locator('option').allInnerTexts();
  assert.ok(options.some((o) => o.startsWith('跨地域')), JSON.stringify(options));
  assert.deepEqual(errors, []);
});

test('custom figures typed for a link set its speed; a long typed latency lengthens the full sync', async () => {
  const plain = await fullSyncSpan(null);
  const custom = await fullSyncSpan({ custom: ['300', '50', 'KB/s'] });
  console.log(`bench: full sync RDB start -> r1 master_link_status up: default link (${plain.words}) ${plain.span} ms, custom (${custom.words}) ${custom.span} ms`);
  // The card reads back the typed figures, in the page's units.
  assert.equal(custom.words, 'speed 300 ms · 50 KB/s');
  const plainLatency = Number(plain.words.match(/speed (\d+) ms/)[1]);
  assert.ok(custom.span >= plain.span + (300 - plainLatency), `custom ${custom.span} ms vs default ${plain.span} ms`);
});

test('bad custom figures are refused with a reason and change nothing', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const speed = link(page, 'm', 'r1').getByTestId('link-speed-m-r1');
  const words = await text(speed.getByTestId('link-speed-words'));
  const custom = speed.getByTestId('link-speed-custom');
  await custom.locator('summary').click();
  const { step } = await published(page);
  for (const [latency, bandwidth, unit, why] of [
    ['-5', '50', 'KB/s', 'The latency cannot be negative.'],
    ['ten', '50', 'KB/s', 'The latency must be a whole number of milliseconds.'],
    ['5', 'lots', 'KB/s', 'The bandwidth must be a number, such as 125 or 12.5.'],
    ['5', '-1', 'MB/s', 'The bandwidth cannot be negative (0 means unlimited).'],
    ['5', '0.2', 'KB/s', 'The simulator counts whole bytes per millisecond: the smallest bandwidth is 1 KB/s.'],
    ['999999', '50', 'KB/s', 'A one-way latency over 60,000 ms (a minute) is not a network; check the figure.'],
    ['5', '500000', 'MB/s', 'A bandwidth over 100 GB/s is beyond any link; check the figure.'],
  ]) {
    await custom.getByTestId('link-speed-latency').fill(latency);
    await custom.getByTestId('link-speed-bandwidth').fill(bandwidth);
    await custom.getByTestId('link-speed-unit').selectOption({ label: unit });
    await custom.getByTestId('link-speed-set').click();
    assert.equal(await text(custom.getByTestId('link-speed-error')), why);
    assert.equal(await text(speed.getByTestId('link-speed-words')), words);
  }
  // Nothing was sent: the world did not move.
  assert.equal((await published(page)).step, step);
  // A good figure after a bad one clears the error.
  await custom.getByTestId('link-speed-latency').fill('40');
  await custom.getByTestId('link-speed-bandwidth').fill('12.5');
  await custom.getByTestId('link-speed-unit').selectOption({ label: 'MB/s' });
  await custom.getByTestId('link-speed-set').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=link-speed-m-r1] [data-testid=link-speed-words]')?.textContent.trim() === 'speed 40 ms · 12.5 MB/s', null, { timeout: 30_000 });
  assert.equal(await custom.getByTestId('link-speed-error').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
