// The engine is a chunk of its own (issue 17; src/ui/shell.rs, src/ui/runtime/entry.rs): a plain
// visit's first render is the default lesson's recorded opening (src/ui/opening.rs), and the
// engine is fetched after its first frame (src/ui/settle.rs). What the student sees before the engine is in must be what
// the engine then shows; a step asked meanwhile is taken when it arrives, not lost; play control
// and dialogs respond at once; a failed fetch says so, and the next step tries again. A visit
// the opening does not cover (a step, a lesson, a link) waits for the engine before its first render,
// whose files www/early.js asks for with the main wasm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serveDir, launch, markShown, schoolNetworkPage, DIST } from './harness.mjs';
import { published } from './app.mjs';
import { isChunk } from './bundle-size.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const engineChunk = fs.readdirSync(DIST).filter(isChunk).find((f) => f.startsWith('split_engine-'));

// A page whose engine chunk waits until `release()` (or fails, with `fail`), collecting errors.
async function heldEngine(query = '', { fail = false } = {}) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  let release;
  const released = new Promise((r) => { release = r; });
  let asked = 0;
  await page.route(`**/${engineChunk}`, async (route) => {
    asked += 1;
    if (fail) return route.abort();
    await released;
    await route.continue();
  });
  await markShown(page, 'app');
  await page.goto(server.url + query);
  await page.getByTestId('app').waitFor();
  return { page, errors, release, asked: () => asked };
}

// What the first screen's panels say, as the student reads them.
const panelText = (page) => page.evaluate(() =>
  ['.topology-panel', '.decision-panel', '.sequence-panel', '.backlog-panel', '[data-testid=lesson-narration]', '.timeline']
    .map((s) => [s, document.querySelector(s)?.innerText ?? null]));

const stepShown = (page) => page.evaluate(() => ({
  attr: Number(document.querySelector('[data-testid=app]').dataset.step),
  slider: Number(document.querySelector('[data-testid=timeline]').value),
  of: Number(document.querySelector('[data-testid=timeline]').max),
}));

test('before the engine is in, a plain visit shows the lesson as the engine then shows it', async () => {
  const { page, errors, release } = await heldEngine();
  // The sizing calculator in the backlog panel is the `rare` chunk's: read once it is in.
  await page.getByTestId('sizing-calculator').waitFor();
  const opening = await panelText(page);
  // The nodes, the timeline with the run ahead, step 0: no engine yet, no window.__replscope.
  assert.equal(await page.evaluate(() => typeof window.__replscope), 'undefined', 'the engine is held');
  const topology = opening.find(([s]) => s === '.topology-panel')[1];
  assert.match(topology, /\bm\b/);
  assert.match(topology, /\br1\b/);
  const before = await stepShown(page);
  assert.equal(before.attr, 0);
  assert.ok(before.of > 0, `the timeline shows the recorded run ahead (max ${before.of})`);
  release();
  await page.waitForFunction(() => window.__replscope?.snapshot);
  const after = await published(page);
  assert.equal(after.step, 0);
  assert.equal(after.last_step, before.of, 'the engine recorded the run the opening showed');
  assert.deepEqual(await panelText(page), opening, 'every panel says what it said before the engine came');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a step asked before the engine is in is taken when it arrives; the help opens at once', async () => {
  const { page, errors, release } = await heldEngine();
  await page.getByTestId('help').click();
  await page.getByTestId('help-overlay').waitFor();
  await page.getByTestId('help-close').click();
  await page.getByTestId('step').click();
  const notice = page.getByTestId('notice');
  await notice.waitFor();
  assert.match(await notice.innerText(), /still loading/);
  assert.equal((await stepShown(page)).attr, 0, 'the step waits for the engine');
  release();
  await page.waitForFunction(() => window.__replscope?.step > 0 && !window.__replscope.walking);
  const { step } = await published(page);
  const shown = await stepShown(page);
  assert.equal(shown.attr, step, 'the page shows the step the engine took');
  assert.equal(shown.slider, step);
  assert.equal(await notice.count(), 0, 'the loading notice is gone');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an engine that cannot be fetched is said; the next step asks again and is taken', async () => {
  const { page, errors, asked } = await heldEngine('', { fail: true });
  const banner = page.getByTestId('error-banner');
  await banner.waitFor();
  assert.match(await banner.innerText(), /simulator could not be loaded/);
  assert.equal((await stepShown(page)).attr, 0);
  const tries = asked();
  await page.unroute(`**/${engineChunk}`);
  await page.getByTestId('step').click();
  await page.waitForFunction(() => window.__replscope?.step > 0 && !window.__replscope.walking);
  assert.ok(tries >= 1, 'the first fetch was made');
  assert.equal((await stepShown(page)).attr, (await published(page)).step);
  assert.deepEqual(errors, [], 'no uncaught error, no trap');
  await page.close();
});

test('a visit the opening does not cover waits for the engine: its first render is already at its step', async () => {
  // A school network (300 ms round trip, 8 Mbit/s): on loopback every file is in at once.
  const page = await schoolNetworkPage(browser.context);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await markShown(page, 'app');
  await page.goto(`${server.url}?lesson=partial-resync&step=5`);
  await page.getByTestId('app').waitFor();
  // At the first render the engine was in: the step is the link's, and the page is published.
  const first = await page.evaluate(() => Number(document.querySelector('[data-testid=app]').dataset.step));
  assert.equal(first, 5);
  const at = await page.evaluate((name) => {
    const entries = performance.getEntriesByType('resource');
    const engine = entries.find((e) => e.name.includes(name));
    const main = entries.find((e) => /replscope-web-[0-9a-f]+_bg\.wasm$/.test(e.name));
    return { app: window.__shownAt, engineAsked: engine?.startTime, engineIn: engine?.responseEnd, mainIn: main?.responseEnd };
  }, engineChunk);
  assert.ok(at.engineIn > 0 && at.engineIn <= at.app, `the engine was in at ${at.engineIn} ms, the app on screen at ${at.app} ms`);
  // www/early.js asked for it with the main wasm, not after it (one round trip less on a slow link).
  assert.ok(at.engineAsked < at.mainIn, `the engine was asked for at ${at.engineAsked} ms, the main wasm was in at ${at.mainIn} ms`);
  console.log(`bench: start-up, a lesson link at a step (?lesson=partial-resync&step=5) over a 300 ms round trip at 8 Mbit/s: on screen at ${at.app.toFixed(0)} ms; the engine asked for at ${at.engineAsked.toFixed(0)} ms (the main wasm in at ${at.mainIn.toFixed(0)}), in at ${at.engineIn.toFixed(0)}`);
  await page.waitForFunction(() => window.__replscope?.step === 5, null, { timeout: 60_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

// src/ui/settle.rs: the chunks a plain visit fetches on its own (the engine, the views below the
// fold) wait for the first frame and an idle moment, so their compile and first render come
// after that frame and a click on it. A page that draws no frames still fetches them (1 s bound).
test('a plain visit asks for its chunks after its first frame, and within a second when no frame is drawn', async () => {
  const asked = async (page) => page.evaluate((name) => {
    const e = performance.getEntriesByType('resource').find((r) => r.name.includes(name));
    return { app: window.__shownAt, frame: window.__frameAt, engine: e?.startTime, engineIn: e?.responseEnd };
  }, engineChunk);
  const errors = [];
  // On a school network (300 ms round trip, 8 Mbit/s), for the figure a student meets.
  const page = await schoolNetworkPage(browser.context);
  page.on('pageerror', (e) => errors.push(String(e)));
  await markShown(page, 'app');
  // The first frame with the app in it: the first animation frame after the app is in the DOM.
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (!document.querySelector('[data-testid=app]')) return;
      obs.disconnect();
      requestAnimationFrame(() => { window.__frameAt = performance.now(); });
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(server.url);
  await page.waitForFunction(() => window.__replscope?.snapshot, null, { timeout: 60_000 });
  const at = await asked(page);
  assert.ok(at.frame >= at.app && at.engine >= at.frame, `first render ${at.app} ms, its frame ${at.frame} ms, the engine asked for at ${at.engine} ms`);
  console.log(`bench: start-up, a plain visit over a 300 ms round trip at 8 Mbit/s: on screen at ${at.app.toFixed(0)} ms, its first frame at ${at.frame.toFixed(0)}; the engine asked for at ${at.engine.toFixed(0)} ms, in at ${at.engineIn.toFixed(0)}`);
  await page.close();

  // No frames at all (an embed scrolled out of view, a background tab): the engine still comes.
  const frameless = await browser.context.newPage();
  frameless.on('pageerror', (e) => errors.push(String(e)));
  await markShown(frameless, 'app');
  await frameless.addInitScript(() => { window.requestAnimationFrame = () => 0; });
  await frameless.goto(server.url);
  // Polled by a timer: Playwright's default polling is by animation frame, which this page has not.
  await frameless.waitForFunction(() => window.__replscope?.snapshot, null, { timeout: 10_000, polling: 100 });
  const late = await asked(frameless);
  const wait = late.engine - late.app;
  assert.ok(wait >= 900 && wait < 2000, `with no frame drawn, the engine was asked for ${wait.toFixed(0)} ms after the first render (the bound is 1 s)`);
  await frameless.getByTestId('step').click();
  await frameless.waitForFunction(() => window.__replscope?.step > 0, null, { polling: 100 });
  assert.deepEqual(errors, []);
  await frameless.close();
});
