// The visualizer's story, end to end in headless Chromium: a replica syncs in full; its link is
// cut; the master takes a write from its console; the link heals; the decision card says
// +CONTINUE with the byte count the backlog rule implies. A second run overflows the backlog
// and gets +FULLRESYNC with the reason. Stepping back returns the UI to the earlier state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp, screenshot } from './harness.mjs';
import { published, waitForApp, toEnd, scrubTo, consoleCommand, link, decision, respCommand } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('short cut: partial resync with the right byte count, then step back', async () => {
  const { page, errors, foreign } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);

  await page.getByTestId('next-decision').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.outcome !== 'none');
  const first = await decision(page);
  assert.equal(first.outcome, 'fullresync', 'a fresh replica syncs in full');
  await screenshot(page, '01-first-full-sync');

  const lastStep = await toEnd(page);
  const atEnd = await published(page);
  assert.ok(atEnd.snapshot.nodes.find((n) => n.name === 'r1').link_up, 'the replica is online after the lesson');
  // Inputs belong to the step they are made at, so the state before the cut is the step before.
  const earlierStep = lastStep - 1;
  await scrubTo(page, earlierStep);
  const earlier = await published(page);
  await toEnd(page);

  await link(page, 'm', 'r1').getByTestId('cut').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=link-m-r1]').dataset.state === 'cut');
  await consoleCommand(page, 'm', 'SET cut:key during-the-cut');
  await screenshot(page, '02-link-cut-write-on-master');
  await link(page, 'm', 'r1').getByTestId('heal').click();
  await page.getByTestId('next-decision').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.outcome === 'continue', null, { timeout: 30_000 });
  const d = await decision(page);
  await screenshot(page, '03-partial-resync-continue');
  // masterTryPartialResynchronization sends master_repl_offset - psync_offset + 1 bytes.
  assert.equal(d.continueBytes, d.masterReplOffset - d.asked + 1, d.text);
  assert.ok(d.continueBytes >= respCommand('SET', 'cut:key', 'during-the-cut').length,
    `the write made during the cut travels in the backlog (${d.continueBytes} bytes)`);

  // Step back, then to the step before the cut: the same snapshot as then, the link up again.
  const here = (await published(page)).step;
  await page.getByTestId('step-back').click();
  await page.waitForFunction((s) => window.__replscope.step < s, here);
  await scrubTo(page, earlierStep);
  const back = await published(page);
  assert.deepEqual(back.snapshot, earlier.snapshot, 'the world at that step is exactly as it was');
  assert.equal(await link(page, 'm', 'r1').getAttribute('data-state'), 'up');
  assert.equal((await decision(page)).outcome, 'fullresync');
  await screenshot(page, '04-stepped-back');
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
});

test('long cut: the backlog overflows and the next PSYNC is a full resync, with the reason', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  await consoleCommand(page, 'm', 'CONFIG SET repl-backlog-size 16384');
  await link(page, 'm', 'r1').getByTestId('cut').click();
  const count = page.locator('.random-keys input[type=number]');
  await count.fill('2000');
  await count.dispatchEvent('change');
  await page.getByTestId('random-m').click();
  await link(page, 'm', 'r1').getByTestId('heal').click();
  await page.getByTestId('next-decision').click();
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid=decision-card]');
    return c && c.dataset.outcome === 'fullresync' && c.dataset.rule !== 'ReplidMismatch';
  }, null, { timeout: 60_000 });
  const d = await decision(page);
  assert.equal(d.rule, 'OffsetBeforeBacklog', d.text);
  const why = await page.locator('[data-testid=decision-card] .why').innerText();
  assert.ok(why.trim().length > 0, 'the card says why');
  const ring = page.getByTestId('backlog-m');
  assert.ok(Number(await ring.getAttribute('data-first-byte')) > d.asked, 'the asked offset was overwritten');
  await screenshot(page, '05-backlog-overflow-fullresync');
  assert.deepEqual(errors, []);
});

test('a bad URL parameter shows a clear error and the default lesson, never a blank page', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=nope&seed=abc');
  await waitForApp(page);
  const banner = page.getByTestId('error-banner');
  await banner.waitFor({ state: 'visible' });
  assert.match(await banner.innerText(), /nope|seed/);
  assert.ok((await published(page)).lesson.length > 0, 'a lesson is loaded');
  await screenshot(page, '06-bad-url');
  assert.deepEqual(errors, []);
});
