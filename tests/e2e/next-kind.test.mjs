// "Run to the next …": the time controls stop at the next happening of the chosen kind, in a
// recorded lesson (replayed over the MessagePorts) and past its end (the world runs to it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp } from './harness.mjs';
import { published, waitForApp, toEnd, link } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function runTo(page, label) {
  const before = (await published(page)).step;
  await page.getByTestId('next-kind').selectOption({ label });
  await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, before, { timeout: 30_000 });
  return (await page.getByTestId('just-happened').innerText());
}

test('run to the next full sync, the next replica online, and past the end the next PSYNC decision after a cut', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  assert.match(await runTo(page, 'next full sync (RDB)'), /m starts an RDB at offset \d+ for r1/);
  assert.match(await runTo(page, 'next replica online'), /replica r1:6380 is online/);
  // The prompt comes back, so the same kind can be chosen again.
  assert.equal(await page.getByTestId('next-kind').inputValue(), '');

  // Past the lesson's end the world runs to it: cut the link, the next PSYNC decision after
  // healing is the replica coming back.
  await toEnd(page);
  await link(page, 'm', 'r1').getByTestId('cut').click();
  await link(page, 'm', 'r1').getByTestId('heal').click();
  assert.match(await runTo(page, 'next PSYNC decision'), /m decided r1:6380: \+CONTINUE/);
  assert.deepEqual(errors, []);
});
