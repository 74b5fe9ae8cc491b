// Stop is SIGTERM (a graceful shutdown), Crash is kill -9: both end the process; the page
// offers both on every running node, and a crashed node can be restarted like a stopped one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp } from './harness.mjs';
import { waitForApp, toEnd } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('Crash kills a node at once; it shows as stopped and restarts', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const r1 = page.getByTestId('node-r1');
  assert.match(await r1.getByTestId('stop').getAttribute('title'), /^SIGTERM/);
  assert.match(await r1.getByTestId('crash').getAttribute('title'), /^kill -9/);
  await r1.getByTestId('crash').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=node-r1]')?.dataset.role === 'stopped', null, { timeout: 30_000 });
  assert.match((await page.getByTestId('node-r1').innerText()).replace(/\s+/g, ' '), /r1/);
  await page.getByTestId('node-r1').getByTestId('restart').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=node-r1]')?.dataset.role !== 'stopped', null, { timeout: 30_000 });
  assert.deepEqual(errors, []);
});
