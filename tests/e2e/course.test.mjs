// Issue 15, course materials: a copied link restores the moment in a fresh browser; a damaged
// link says so and opens the closest state; the embed layout fits 800x600 and 640x360 iframes
// on a host page, its controls work and the host hears the PSYNC decision; presenter mode with
// clicker keys; the built app served from a sub-path; the single file from file:// with no
// network request at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveDir, launch, openApp, openSingleFile, DIST, OUT } from './harness.mjs';
import { published, waitForApp, scrubTo, lessonToEnd, consoleCommand, consoleAnswer, decision } from './app.mjs';

let server, browser;
before(async () => { fs.mkdirSync(OUT, { recursive: true }); server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** What a student sees of a moment: the published step and snapshot, and the decision card. */
async function moment(page) {
  const p = await published(page);
  return { step: p.step, last_step: p.last_step, lesson: p.lesson, seed: p.seed, snapshot: p.snapshot, card: (await decision(page)).text };
}

test('a copied link restores the same moment, the user\'s actions included, in a fresh browser', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=partial-resync');
  await waitForApp(page);
  const { last_step } = await published(page);
  await scrubTo(page, Math.floor(last_step / 2));
  // The user's own action: a write typed into the master's console (an input the lesson lacks).
  await consoleCommand(page, 'm', 'SET from-the-link 42');
  for (let i = 0; i < 2; i++) {
    const before = (await published(page)).step;
    await page.getByTestId('step').click();
    await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, before);
  }
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('share-url').inputValue();
  assert.match(link, /[?&]m=[A-Za-z0-9_-]+/);
  const here = await moment(page);
  // The address bar follows the state: copying it works too.
  await page.waitForFunction((l) => location.href === l, link);

  const other = await launch();
  try {
    const fresh = await other.context.newPage();
    const freshErrors = [];
    fresh.on('pageerror', (e) => freshErrors.push(String(e)));
    await fresh.goto(link);
    await waitForApp(fresh);
    assert.deepEqual(await moment(fresh), here);
    assert.equal(await fresh.getByTestId('error-banner').count(), 0);
    // The write is in the restored master's keyspace (the snapshot above compares it too).
    assert.deepEqual(freshErrors, []);
  } finally {
    await other.close();
  }
  assert.deepEqual(errors, []);
});

test('the address bar follows the moment once a run to an answer ends, not at every step it passes', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=partial-resync');
  await waitForApp(page);
  await page.evaluate(() => {
    window.__urls = [];
    const replace = history.replaceState.bind(history);
    history.replaceState = (state, title, url) => { window.__urls.push(String(url)); replace(state, title, url); };
  });
  const start = (await published(page)).step;
  // A command typed into the master's console runs the world until its reply is back: steps pass
  // on screen frame after frame (the request, the write, the stream to the replica, the reply).
  assert.equal(await consoleAnswer(page, 'm', 'SET walked 1'), 'OK');
  const { step } = await published(page);
  assert.ok(step > start + 1, `the run passed several steps (${start} -> ${step})`);
  const urls = await page.evaluate(() => window.__urls);
  assert.equal(urls.length, 1, `the address bar was rewritten once, not per step passed: ${urls.map((u) => new URL(u, page.url()).searchParams.get('step')).join(', ')}`);
  assert.equal(new URL(page.url()).searchParams.get('step'), String(step), 'the address bar names the step on screen');
  assert.deepEqual([...errors], []);
  await page.close();
});

test('a link made after a thousand random 1 KB writes stays short and restores every key', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=partial-resync');
  await waitForApp(page);
  await lessonToEnd(page);
  const keys = (p, node) => p.snapshot.nodes.find((n) => n.name === node).dbs.reduce((sum, [, n]) => sum + n, 0);
  const before = keys(await published(page), 'm');
  await page.getByTestId('random-size-m').selectOption({ label: '1 KB' });
  await page.getByTestId('random-count-m').fill('1000');
  await page.getByTestId('random-count-m').dispatchEvent('change');
  assert.equal(await page.getByTestId('random-m').innerText(), 'Write 1000 random keys');
  await page.getByTestId('random-m').click();
  // The console runs to the last write's answer.
  await page.waitForFunction((n) => {
    const m = window.__replscope.snapshot.nodes.find((x) => x.name === 'm');
    return !window.__replscope.walking && m.dbs.reduce((sum, [, k]) => sum + k, 0) >= n;
  }, before + 1000, { timeout: 60_000 });
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('share-url').inputValue();
  // A megabyte of values is not in the link: the recipe is (seed, count, size).
  console.log(`bench: share link after 1000 random 1 KB writes: ${link.length} characters`);
  assert.ok(link.length < 2_000, `the link is ${link.length} characters`);
  const here = await moment(page);
  assert.equal(keys(here, 'm'), before + 1000);
  const fresh = await browser.context.newPage();
  await fresh.goto(link);
  await waitForApp(fresh);
  // The same moment: the same step, and every node's keys, offsets and backlog (the snapshot).
  assert.deepEqual(await moment(fresh), here);
  await fresh.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a damaged link says so and opens the closest valid state (its lesson at its step)', async () => {
  const { page } = await openApp(browser.context, server.url, '?lesson=partial-resync&step=30');
  await waitForApp(page);
  await page.getByTestId('copy-link').click();
  const link = new URL(await page.getByTestId('share-url').inputValue());
  const code = link.searchParams.get('m');
  const flipped = code.slice(0, 5) + (code[5] === 'A' ? 'B' : 'A') + code.slice(6);
  link.searchParams.set('m', flipped);
  await page.goto(link.href);
  await waitForApp(page);
  const banner = page.getByTestId('error-banner');
  await banner.waitFor();
  assert.match(await banner.innerText(), /cannot be restored: its checksum does not match/);
  const p = await published(page);
  assert.equal(p.lesson, 'partial-resync');
  assert.equal(p.step, 30);
  // A cut-off code and an old format are refused the same way, never a blank page.
  link.searchParams.set('m', code.slice(0, 8));
  await page.goto(link.href);
  await waitForApp(page);
  assert.match(await page.getByTestId('error-banner').innerText(), /cannot be restored/);
});

async function hostPage(size, query) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: size[0] + 40, height: size[1] + 40 });
  await page.setContent(`<!doctype html><body style="margin:0">
    <iframe id="f" src="${server.url}${query}" width="${size[0]}" height="${size[1]}" style="border:0"></iframe>
    <script>window.events = []; addEventListener('message', (e) => { if (e.data && e.data.replscope === 1) events.push(e.data); });</script>`);
  const frame = page.frameLocator('#f');
  await frame.getByTestId('app').waitFor({ timeout: 60_000 });
  const handle = page.frames().find((f) => f.url().startsWith(server.url));
  await handle.waitForFunction(() => window.__replscope && window.__replscope.snapshot);
  return { page, frame, handle };
}

for (const size of [[800, 600], [640, 360]]) {
  test(`the embed layout fits a ${size[0]}x${size[1]} iframe, its controls work, the host hears the decision`, async () => {
    const { page, frame, handle } = await hostPage(size, '?lesson=full-sync&embed=1');
    assert.equal(await frame.getByTestId('app').getAttribute('data-mode'), 'embed');
    const fits = await handle.evaluate(() => {
      const d = document.documentElement;
      return { w: [d.scrollWidth, d.clientWidth], h: [d.scrollHeight, d.clientHeight] };
    });
    assert.ok(fits.w[0] <= fits.w[1] && fits.h[0] <= fits.h[1], `no scrollbars: ${JSON.stringify(fits)}`);
    for (const id of ['step', 'play', 'step-back', 'open-full']) assert.ok(await frame.getByTestId(id).isVisible(), id);
    // The controls work: one step shows on the counter the student reads.
    await frame.getByTestId('step').click();
    await handle.waitForFunction(() => window.__replscope.step > 0);
    const { step } = await handle.evaluate(() => window.__replscope);
    assert.match(await frame.getByTestId('step-counter').innerText(), new RegExp(`^Step ${step} /`));
    // The host drives it: a message of any other shape is ignored, a jump is obeyed.
    const { last_step } = await handle.evaluate(() => window.__replscope);
    const heard = await page.evaluate(() => events.length);
    await page.evaluate(() => document.getElementById('f').contentWindow.postMessage({ replscope: 1, cmd: 'jump', step: '<img src=x onerror=alert(1)>' }, '*'));
    await page.evaluate(() => document.getElementById('f').contentWindow.postMessage('{"cmd":"jump","step":3}', '*'));
    await page.evaluate((s) => document.getElementById('f').contentWindow.postMessage({ replscope: 1, cmd: 'jump', step: s }, '*'), last_step);
    await handle.waitForFunction((s) => window.__replscope.step === s, last_step);
    await page.waitForFunction(() => events.some((e) => e.event === 'finished'));
    const events = await page.evaluate(() => events);
    const moved = events.slice(heard).filter((e) => e.event === 'step').map((e) => e.step);
    assert.deepEqual(moved, [last_step], 'the malformed jumps were ignored, the good one obeyed');
    const decided = events.filter((e) => e.event === 'decision');
    assert.ok(decided.length >= 1, JSON.stringify(events));
    // The event's outcome is the one the decision card shows.
    assert.equal(decided.at(-1).outcome, await frame.getByTestId('decision-card').getAttribute('data-outcome'));
    // "Open in ReplScope" opens the full app at the same moment.
    const full = new URL(await frame.getByTestId('open-full').getAttribute('href'));
    assert.equal(full.searchParams.get('step'), String(last_step));
    assert.equal(full.searchParams.get('embed'), null);
    await page.setViewportSize({ width: size[0], height: size[1] });
    await page.screenshot({ path: path.join(OUT, `course-embed-${size[0]}x${size[1]}.png`) });
    await page.close();
  });
}

test('embed URL options: autoplay, speed, panels, theme, start step, language carried into its links', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto(`${server.url}?lesson=partial-resync&embed=1&panels=decision&theme=dark&step=20&lang=zh-CN`);
  await waitForApp(page);
  assert.equal((await published(page)).step, 20);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  // The URL's theme is for that page: the reader's own choice is not overwritten.
  assert.notEqual(await page.evaluate(() => localStorage.getItem('replscope-theme')), 'dark');
  assert.equal(await page.locator('.embed-grid > section').count(), 1);
  assert.ok(await page.getByTestId('decision-card').isVisible());
  assert.equal(new URL(await page.getByTestId('open-full').getAttribute('href')).searchParams.get('lang'), 'zh-CN');
  // The embed's own words come from the translation tables too.
  assert.match(await page.getByTestId('open-full').innerText(), /在 ReplScope 中打开/);
  assert.match(await page.getByTestId('step-counter').innerText(), /^第 20 步/);
  await page.goto(`${server.url}?lesson=partial-resync&embed=1&autoplay=1&speed=64`);
  await waitForApp(page);
  await page.waitForFunction(() => window.__replscope.step > 10);
  assert.equal((await published(page)).playing, true);
  await page.close();
});

test('the theme switch is remembered across a reload; opening the page writes no choice of its own', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await waitForApp(page);
  const theme = () => page.evaluate(() => [document.documentElement.dataset.theme, localStorage.getItem('replscope-theme')]);
  const [shown, stored] = await theme();
  assert.equal(stored, null, `a first visit stores nothing (the page shows ${shown})`);
  await page.getByTestId('theme').click();
  const [picked, kept] = await theme();
  assert.notEqual(picked, shown, 'the switch changed the theme');
  assert.equal(kept, picked, 'and remembered it');
  await page.reload();
  await waitForApp(page);
  assert.deepEqual(await theme(), [picked, picked], 'a reload opens in the picked theme');
  assert.equal(await page.getByTestId('theme').getAttribute('data-theme'), picked);
  await page.evaluate(() => localStorage.removeItem('replscope-theme'));
  await page.close();
});

test('presenter mode: chrome hidden, large type, clicker keys step and go back, a visible counter', async () => {
  const { page } = await openApp(browser.context, server.url, '?lesson=partial-resync');
  await waitForApp(page);
  await page.getByTestId('presenter-toggle').click();
  const app = page.getByTestId('app');
  assert.equal(await app.getAttribute('data-mode'), 'present');
  assert.equal(await page.locator('.header .lesson-picker').isVisible(), false);
  assert.equal(await page.locator('.header .brand').boundingBox().then((b) => b.width <= 1), true, 'the h1 is only for screen readers');
  const size = await app.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 20, `font-size ${size}`);
  const counter = page.getByTestId('step-counter');
  const step = async () => (await published(page)).step;
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  // Forward keys reach a later step, back keys an earlier one (a step is the next visible one).
  const seen = [await step()];
  for (const [key, forward] of [['PageDown', true], ['PageDown', true], ['Space', true], ['ArrowRight', true], ['PageUp', false], ['ArrowLeft', false]]) {
    const before = seen.at(-1);
    await page.keyboard.press(key);
    await page.waitForFunction(([b, f]) => (f ? window.__replscope.step > b : window.__replscope.step < b), [before, forward]);
    seen.push(await step());
    assert.match(await counter.innerText(), new RegExp(`^Step ${seen.at(-1)} /`), key);
  }
  // Back goes exactly over the steps forward went through.
  assert.deepEqual(seen.slice(5), [seen[3], seen[2]]);
  assert.equal((await published(page)).playing, false, 'space steps in presenter mode, it does not play');
  await scrubTo(page, 40);
  // What the projector shows: the viewport, not the whole page.
  await page.screenshot({ path: path.join(OUT, 'course-presenter.png') });
  await page.getByTestId('presenter-toggle').click();
  assert.equal(await app.getAttribute('data-mode'), 'full');
});

test('the built app served from a sub-path runs a lesson', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'replscope-subpath-'));
  fs.mkdirSync(path.join(root, 'courses', 'redis'), { recursive: true });
  fs.symlinkSync(DIST, path.join(root, 'courses', 'redis', 'replscope'));
  fs.writeFileSync(path.join(root, 'index.html'), 'not the app: it lives under /courses/redis/replscope/');
  const sub = await serveDir(root);
  try {
    const page = await browser.context.newPage();
    const failed = [];
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    await page.goto(`${sub.url}courses/redis/replscope/?lesson=partial-resync`);
    await waitForApp(page);
    const { last_step } = await published(page);
    await scrubTo(page, last_step);
    assert.equal((await decision(page)).outcome, 'continue');
    assert.deepEqual(failed, []);
    // Its links stay under the sub-path.
    await page.getByTestId('copy-link').click();
    assert.ok((await page.getByTestId('share-url').inputValue()).startsWith(`${sub.url}courses/redis/replscope/?`));
    await page.close();
  } finally {
    await sub.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('the single file opens from file:// with no network request at all and runs every lesson', async () => {
  const { page, url, said, requests, errors } = await openSingleFile(browser.context, 'replscope-single.html');
  assert.match(said, /single file: .* KB/);
  await waitForApp(page);
  const lessons = await page.getByTestId('lesson-select').evaluate((s) => [...s.options].map((o) => o.value).filter(Boolean));
  assert.ok(lessons.length >= 4, lessons.join());
  for (const id of lessons) {
    await page.getByTestId('lesson-select').selectOption(id);
    await page.waitForFunction((l) => window.__replscope.lesson === l, id);
    const last_step = await lessonToEnd(page);
    assert.ok(last_step > 0, id);
  }
  assert.deepEqual(requests, [url], 'the only request is the file itself');
  assert.deepEqual(errors, []);
  await page.close();
});

test('no axe violations in the embed layout, presenter mode and the share bar\'s outputs', async () => {
  const { createRequire } = await import('node:module');
  // Evaluated through DevTools: the page's Content-Security-Policy refuses an inline <script>.
  const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const audit = async (page, where) => {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
    const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
      .map((v) => `${v.id}: ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`));
    assert.deepEqual(found, [], `axe violations ${where}`);
  };
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 640, height: 360 });
  await page.goto(`${server.url}?lesson=partial-resync&embed=1`);
  await waitForApp(page);
  const { last_step } = await published(page);
  await page.evaluate((s) => window.postMessage({ replscope: 1, cmd: 'jump', step: s }, '*'), last_step);
  await page.waitForFunction((s) => window.__replscope.step === s, last_step);
  await audit(page, 'in the embed layout at the lesson end');
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(`${server.url}?lesson=partial-resync&present=1&step=40`);
  await waitForApp(page);
  assert.equal(await page.getByTestId('app').getAttribute('data-mode'), 'present');
  await audit(page, 'in presenter mode');
  await page.getByTestId('presenter-toggle').click();
  await page.getByTestId('copy-link').click();
  await audit(page, 'with the copied link shown');
  await page.getByTestId('embed-snippet').click();
  await audit(page, 'with the embed snippet shown');
  await page.close();
});
