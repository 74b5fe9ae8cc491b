// Benchmark, not a gate: frame times while autoplaying 4 nodes (target p95 <= 16.7 ms).
// Prints "bench: frame time …" from requestAnimationFrame deltas measured inside the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp } from './harness.mjs';
import { waitForApp, toEnd, consoleCommand } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('autoplay with 4 nodes: frame time figure', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=3');
  await waitForApp(page);
  await toEnd(page);
  const addInput = page.locator('form.add-node input');
  for (const name of ['r2', 'r3']) {
    await addInput.fill(name);
    await page.getByTestId('add-node').click();
    await page.getByTestId(`node-${name}`).waitFor();
    await consoleCommand(page, name, 'REPLICAOF m');
  }
  await consoleCommand(page, 'm', 'CONFIG SET repl-ping-replica-period 1');
  const speed = page.getByTestId('speed');
  const options = await speed.locator('option').evaluateAll((os) => os.map((o) => o.value));
  await speed.selectOption(options[options.length - 1]);
  await page.getByTestId('play').click();
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const deltas = []; let last = performance.now(); const end = last + 5000;
    const tick = (t) => { deltas.push(t - last); last = t; if (t < end) requestAnimationFrame(tick); else resolve(deltas); };
    requestAnimationFrame(tick);
  }));
  frames.sort((a, b) => a - b);
  const p = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))];
  console.log(`bench: frame time autoplay 4 nodes: p50 ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms, max ${frames[frames.length - 1].toFixed(1)} ms over ${frames.length} frames, ${(frames.length / 5).toFixed(1)} fps, ${frames.filter((f) => f > 20).length} frames missed a vsync (target p95 <= 16.7 ms; headless, no GPU)`);
  assert.ok(frames.length > 10, 'frames were rendered while playing');
  assert.deepEqual(errors, []);
});
