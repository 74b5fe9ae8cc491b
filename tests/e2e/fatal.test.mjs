// The release build turns a panic into a wasm trap (scripts/dev.sh, APP_ENV): the page must
// then say so, not freeze silently. A trap reaches the page as an uncaught
// WebAssembly.RuntimeError; index.html's handler shows the internal-error banner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp } from './harness.mjs';
import { waitForApp } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('a wasm trap shows the internal-error banner', async () => {
  const { page } = await openApp(browser.context, server.url, '?lesson=full-sync');
  await waitForApp(page);
  assert.equal(await page.getByTestId('fatal-error').count(), 0);
  // Throw a trap from a task, as a trapping event handler would.
  await page.evaluate(() => setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); }));
  const banner = page.getByTestId('fatal-error');
  await banner.waitFor({ state: 'visible', timeout: 5_000 });
  assert.match(await banner.innerText(), /internal error \(unreachable\)/);
});
