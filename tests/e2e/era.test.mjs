// Redis through its versions (issue 14): the era select replays the lesson on screen as Redis
// 2.6, 2.8 or 4.0+ would run it, and the comparison shows each resync's outcome in the three
// eras side by side, with the label that the older eras are modelled from the source.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp } from './harness.mjs';
import { published, waitForApp, scrubTo } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const text = async (loc) => (await loc.innerText()).replace(/\s+/g, ' ').trim();

/** The table as the user reads it: per row, its heading and each era's cell text. */
async function table(page) {
  await page.getByTestId('era-table').waitFor({ state: 'visible', timeout: 60_000 });
  const rows = page.getByTestId('era-row');
  const out = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const cells = {};
    for (const era of ['2.6', '2.8', '4.0']) cells[era] = await text(row.locator(`td[data-era="${era}"]`));
    out.push({ who: await text(row.locator('th')), ...cells });
  }
  return out;
}

test('the promotion lesson compared: after the failover the old master full-syncs in 2.6 and 2.8 and continues in 4.0+', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=promote&seed=7');
  await waitForApp(page);
  const select = page.getByTestId('era-select');
  assert.equal(await select.inputValue(), '4.0', 'the default era is 4.0+ (7.0)');
  assert.deepEqual(await select.locator('option').allInnerTexts(), ['2.6 (SYNC only)', '2.8 (PSYNC with the run ID)', '4.0+ (7.0, PSYNC2)']);
  assert.match(await text(page.getByTestId('era-modelled')), /modelled from the Redis 2\.6\/2\.8 source, not checked against a running server/);
  await page.getByTestId('era-compare').click();
  const rows = await table(page);
  // r1 is promoted and m, the old master, follows it.
  const failover = rows.find((r) => /m from r1$/.test(r.who));
  assert.ok(failover, `a row for m resyncing from r1: ${JSON.stringify(rows)}`);
  assert.match(failover['2.6'], /^full SYNC/);
  // 2.8's SLAVEOF discards the cached master: PSYNC ? -1.
  assert.match(failover['2.8'], /^full PSYNC \? -1/);
  assert.match(failover['4.0'], /^partial continued through replid2/);
  // The first syncs are full in every era.
  assert.match(rows[0]['2.6'] + rows[0]['2.8'] + rows[0]['4.0'], /^full .*full .*full /);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a short cut replayed in 2.6: the select replays the lesson and the reconnect is a full sync', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=partial-resync&seed=7');
  await waitForApp(page);
  const select = page.getByTestId('era-select');
  await select.selectOption('2.6');
  const rows = await table(page);
  assert.equal(await select.inputValue(), '2.6');
  const last = rows[rows.length - 1];
  assert.match(last.who, /r1 from m$/);
  assert.match(last['2.6'], /^full SYNC/);
  assert.match(last['2.8'], /^partial same ID, offset in the backlog/);
  assert.match(last['4.0'], /^partial same ID, offset in the backlog/);
  // The replayed run is 2.6's: r1's handshake sends a plain SYNC, and the Messages panel shows it.
  const { last_step } = await published(page);
  assert.ok(last_step > 0, 'the replay ran');
  await scrubTo(page, last_step);
  const messages = await text(page.locator('.sequence-panel'));
  assert.match(messages, /r1 → m \(\d+ bytes\): SYNC/, 'the Messages panel shows r1 sending SYNC');
  assert.doesNotMatch(messages, /: PSYNC|FULLRESYNC|CONTINUE/, 'no PSYNC exchange in 2.6');
  // Back to 4.0+: the lesson as written, narration and all.
  await select.selectOption('4.0');
  await page.waitForFunction(() => document.querySelector('[data-testid=era-select]').value === '4.0', null, { timeout: 30_000 });
  assert.match(await text(page.getByTestId('era-modelled')), /not checked against a running server/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('in Chinese the comparison and the label are translated', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=partial-resync&seed=7&lang=zh');
  await waitForApp(page);
  await page.getByTestId('era-compare').click();
  const rows = await table(page);
  assert.match(rows[rows.length - 1]['2.6'], /^全量/);
  assert.match(rows[rows.length - 1]['4.0'], /^部分/);
  assert.match(await text(page.getByTestId('era-modelled')), /根据 Redis 2\.6\/2\.8 源码建模/);
  assert.deepEqual(errors, []);
  await page.close();
});
