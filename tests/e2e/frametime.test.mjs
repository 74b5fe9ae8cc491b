// Benchmark, not a gate: frame times while autoplaying 4 nodes over a trace of 10,000+ entries
// (target p95 <= 16.7 ms). Prints "bench: frame time …" from requestAnimationFrame deltas
// measured inside the page, beside the same page's deltas while idle: headless Chromium's
// vsync interval reads 16.7–16.8 ms at performance.now()'s 0.1 ms resolution, so an idle page
// already has a p95 of 16.8; a frame "missed" is one over 20 ms (more than one vsync).
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
  // A long log first: batches of 1000 random writes, each propagated to three replicas, until
  // the trace holds 10,000+ entries (what the Messages panel and the sequence diagram list).
  const entries = () => page.evaluate(() => window.__replscope.trace_entries);
  await page.getByTestId('random-count-m').fill('1000');
  await page.getByTestId('random-count-m').dispatchEvent('change');
  assert.match(await page.getByTestId('random-m').innerText(), /1000/);
  await page.getByTestId('play').click();
  for (let batch = 0; (await entries()) < 10_000 && batch < 40; batch++) {
    const before = await entries();
    await page.getByTestId('random-m').click();
    await page.waitForFunction((n) => window.__replscope.trace_entries > n + 1000, before, { timeout: 60_000 });
  }
  await page.getByTestId('pause').click();
  const rows = await entries();
  assert.ok(rows >= 10_000, `the trace holds 10,000+ entries (${rows})`);
  const measure = (ms) => page.evaluate((ms) => new Promise((resolve) => {
    const deltas = []; let last = performance.now(); const end = last + ms;
    const tick = (t) => { deltas.push(t - last); last = t; if (t < end) requestAnimationFrame(tick); else resolve(deltas); };
    requestAnimationFrame(tick);
  }), ms);
  const stats = (frames) => {
    frames.sort((a, b) => a - b);
    const p = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))];
    return { p50: p(0.5), p95: p(0.95), max: frames[frames.length - 1], n: frames.length, missed: frames.filter((f) => f > 20).length };
  };
  const idle = stats(await measure(2000));
  await page.getByTestId('play').click();
  const play = stats(await measure(5000));
  await page.getByTestId('pause').click();
  const domRows = await page.locator('.sequence-panel li').count();
  console.log(`bench: frame time autoplay 4 nodes: p50 ${play.p50.toFixed(1)} ms, p95 ${play.p95.toFixed(1)} ms, max ${play.max.toFixed(1)} ms over ${play.n} frames, ${(play.n / 5).toFixed(1)} fps, ${play.missed} frames missed a vsync; the same page idle: p95 ${idle.p95.toFixed(1)} ms, max ${idle.max.toFixed(1)} ms (target p95 <= 16.7 ms; headless, no GPU)`);
  console.log(`bench: frame time with a long log: ${rows} trace entries, ${domRows} rows in the Messages panel's DOM (it renders what is on screen)`);
  assert.ok(play.n > 10, 'frames were rendered while playing');
  assert.deepEqual(errors, []);
});
