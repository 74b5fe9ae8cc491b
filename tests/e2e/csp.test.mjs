// The page's Content-Security-Policy (issue 16): scripts from its own origin only, no inline
// script (trunk's loader included: scripts/csp.mjs moves it into a file). The app runs a lesson
// under the policy with no violation, and the policy is in force: an inline script injected
// into the page does not run and is reported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDir, launch, DIST } from './harness.mjs';
import { waitForApp, published, toEnd } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Record every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sample || ''})`);
    });
  });
}

test('the built page has a policy and no inline script', () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert.ok(meta, 'a Content-Security-Policy meta tag');
  const scriptSrc = meta[1].split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
  assert.equal(scriptSrc, "script-src 'self' 'wasm-unsafe-eval'");
  const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].filter((m) => m[1].trim());
  assert.deepEqual(inline.map((m) => m[0].slice(0, 80)), [], 'inline scripts left in index.html');
});

test('a lesson runs under the policy with no violation, and an injected inline script is blocked', async () => {
  const page = await browser.context.newPage();
  await watchViolations(page);
  const errors = [];
  const foreign = [];
  const origin = new URL(server.url).origin;
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { const u = new URL(r.url()); if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== origin) foreign.push(r.url()); });
  await page.goto(server.url + '?lesson=full-sync');
  await waitForApp(page);
  const last = await toEnd(page);
  assert.ok(last > 0, 'the lesson played');
  assert.equal((await published(page)).step, last);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'violations while the app ran');
  assert.deepEqual(errors, [], 'console errors');
  assert.deepEqual(foreign, [], 'requests to other hosts');

  // The policy is in force: an inline script added to the DOM must not run.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    document.body.appendChild(s);
  });
  await page.waitForFunction(() => window.__cspViolations.length > 0, null, { timeout: 5_000 });
  assert.equal(await page.evaluate(() => window.__inlineRan), undefined, 'the inline script ran');
  assert.match((await page.evaluate(() => window.__cspViolations))[0], /^script-src/);
  await page.close();
});
