// Issue 12, "controls that surprise": playing a lesson stops at its end and says so; a Step
// across quiet time says how long it was; the Messages panel hides heartbeats in lessons;
// an import reopens the step it was exported at; the random-key count is kept and its cap said.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serveDir, launch, openApp } from './harness.mjs';
import { published, waitForApp, toEnd, scrubTo } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const clockStep = async (page) => Number((await page.getByTestId('clock').innerText()).match(/step (\d+)/i)[1]);

test('playing a lesson stops at its recorded end and says so', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  const { last_step: end } = await published(page);
  await page.getByTestId('speed').selectOption({ index: (await page.getByTestId('speed').locator('option').count()) - 1 });
  await page.getByTestId('play').click();
  await page.getByTestId('notice').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await page.getByTestId('notice').innerText(), /End of the lesson: playback stopped at its last recorded step/);
  assert.equal(await page.getByTestId('play').count(), 1, 'paused: the Play button is back');
  const now = await published(page);
  assert.equal(now.step, end);
  assert.equal(now.last_step, end, 'nothing ran past the end');
  assert.equal(await clockStep(page), end);
  assert.deepEqual(errors, []);
});

test('a Step across quiet time says how long nothing happened', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  for (let i = 0; i < 5; i++) {
    const before = await published(page);
    await page.getByTestId('step').click();
    await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, before.step, { timeout: 30_000 });
    const after = await published(page);
    const idle = after.snapshot.time_ms - before.snapshot.time_ms;
    const notice = page.getByTestId('notice');
    if (idle >= 1000) {
      assert.match(await notice.innerText(), /^(Nothing was in flight, so the next thing came [\d.]+ (s|min \d+ s) later \(simulated time\), from a timer|[\d.]+ (s|min \d+ s) of simulated time passed before the next thing)/);
      return assert.deepEqual(errors, []);
    }
    assert.equal(await notice.count(), 0, `a ${idle} ms step is no news`);
  }
  assert.deepEqual(errors, []);
});

test('heartbeats are hidden in a lesson, with a count, and shown on request', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  // Let the settled world tick a few seconds: ACKs and PINGs only.
  for (let i = 0; i < 6; i++) {
    const s = (await published(page)).step;
    await page.getByTestId('step').click();
    await page.waitForFunction((x) => window.__replscope.step > x && !window.__replscope.walking, s, { timeout: 30_000 });
  }
  const box = page.getByTestId('hide-heartbeats');
  assert.equal(await box.isChecked(), true, 'on by default in a lesson');
  // Heartbeats: ACKs up, PINGs down to the replica. The handshake PING (r1 → m) stays.
  const beats = page.locator('.seq-item summary', { hasText: /REPLCONF ACK|m → r1: PING/ });
  assert.equal(await beats.count(), 0, 'no heartbeat row while hidden');
  assert.ok(await page.locator('.seq-item summary', { hasText: 'r1 → m: PING' }).count() <= 1);
  const hidden = Number((await page.getByTestId('heartbeats-hidden').innerText()).match(/(\d+) hidden/)[1]);
  assert.ok(hidden > 0);
  await box.uncheck();
  await page.waitForFunction(() => [...document.querySelectorAll('.seq-item summary')].some((s) => /REPLCONF ACK/.test(s.textContent)));
  assert.ok(await page.locator('.seq-item summary', { hasText: 'REPLCONF ACK' }).count() > 0);
  assert.equal(await page.getByTestId('heartbeats-hidden').count(), 0);
  assert.deepEqual(errors, []);
});

test('an import reopens the session at the step it was exported at', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=partial-resync&seed=7');
  await waitForApp(page);
  const end = await toEnd(page);
  const mid = Math.floor(end / 2);
  await scrubTo(page, mid);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const file = await download.path();
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).shown_step, mid);
  // Somewhere else first, then import.
  await page.goto(server.url + '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await page.getByTestId('import').setInputFiles(file);
  await page.waitForFunction((e) => window.__replscope.last_step === e, end, { timeout: 60_000 });
  const now = await published(page);
  assert.equal(now.step, mid, 'reopened at the exported step, not its last');
  assert.equal(await clockStep(page), mid);
  assert.deepEqual(errors, []);
});

test('"Write N random keys" keeps its count across tabs and says when it caps', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  await page.getByTestId('console-tab-m').click();
  const count = page.getByTestId('random-count-m');
  await count.fill('50000');
  await count.press('Tab');
  assert.equal(await page.getByTestId('random-m').innerText(), 'Write 20000 random keys');
  assert.match(await page.getByTestId('random-capped').innerText(), /At most 20,000 keys of 16 B per click \(16 MB in all\): the count was capped\./);
  await count.fill('2500');
  await count.press('Tab');
  assert.equal(await page.getByTestId('random-capped').count(), 0);
  await page.getByTestId('console-tab-r1').click();
  assert.equal(await page.getByTestId('random-r1').innerText(), 'Write 2500 random keys');
  await page.getByTestId('console-tab-m').click();
  assert.equal(await page.getByTestId('random-m').innerText(), 'Write 2500 random keys');
  assert.equal(await page.getByTestId('random-count-m').inputValue(), '2500');
  assert.deepEqual(errors, []);
});
