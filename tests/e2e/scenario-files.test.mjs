// The lesson picker also offers every scenario file the simulation ships (scenarios/*.scn):
// each loads and plays in the page, and the two PSYNC stories end as the files say.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDir, launch, openApp, ROOT } from './harness.mjs';
import { published, waitForApp, toEnd, lessonToEnd, decision } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('every shipped scenario file is in the picker and loads', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync');
  await waitForApp(page);
  const shipped = fs.readdirSync(path.join(ROOT, 'scenarios')).filter((f) => f.endsWith('.scn')).map((f) => f.slice(0, -4)).sort();
  const offered = (await page.locator('[data-testid=lesson-select] optgroup[label^="Scenario files"] option')
    .evaluateAll((os) => os.map((o) => o.value))).sort();
  assert.deepEqual(offered, shipped);
  for (const id of shipped) {
    await page.getByTestId('lesson-select').selectOption(id);
    await page.waitForFunction((l) => window.__replscope.lesson === l, id, { timeout: 30_000 });
    const now = await published(page);
    assert.ok(now.last_step > 0, `${id}: it ran (${now.last_step} steps)`);
    assert.equal(await page.getByTestId('error-banner').count(), 0, `${id}: no error`);
    await lessonToEnd(page);
    const d = await decision(page);
    if (id === 'short-cut-partial-resync') assert.equal(d.outcome, 'continue', d.text);
    if (id === 'long-cut-backlog-overflow-full-resync') {
      assert.equal(d.outcome, 'fullresync', d.text);
      assert.equal(d.rule, 'OffsetBeforeBacklog', d.text);
    }
  }
  assert.deepEqual(errors, []);
});
