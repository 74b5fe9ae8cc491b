// The foundation's promise: the served page renders the app from the wasm module (index.html's
// body is empty), with no console error and no request to any host but the page's own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp, screenshot } from './harness.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the wasm app renders with no console error and no foreign request', async () => {
  const { page, errors, foreign } = await openApp(browser.context, server.url);
  const app = page.getByTestId('app');
  await app.waitFor({ state: 'visible', timeout: 30_000 });
  // The static HTML has an empty body: anything inside the app root came from the wasm module.
  assert.match(await app.innerText(), /ReplScope/);
  await screenshot(page, '00-loaded');
  assert.deepEqual(errors, [], 'console errors');
  assert.deepEqual(foreign, [], 'requests to hosts other than the page');
});
