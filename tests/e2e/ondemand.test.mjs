// Text the page loads only when needed (issue 17; src/ui/ondemand.rs): the first load fetches no
// scenario file and no Chinese table; opening a scenario file's lesson fetches that file once;
// `?lesson=` of a file and `?lang=zh-CN` wait for their text before the first render; a failed
// fetch says so in the page and changes nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { serveDir, launch, schoolNetworkPage, markShown, shownAt, fetchedFiles, DIST, OUT, ROOT } from './harness.mjs';
import { waitForApp, published } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const onDemand = (url) => /\/(scenarios\/[^/]+\.scn|zh\.txt)$/.test(new URL(url).pathname);

async function open(query, { block } = {}) {
  const page = await browser.context.newPage();
  const fetched = [];
  page.on('request', (r) => { if (onDemand(r.url())) fetched.push(new URL(r.url()).pathname.slice(1)); });
  if (block) await page.route(block, (route) => route.abort());
  await page.goto(server.url + query);
  await waitForApp(page);
  return { page, fetched };
}

// The Chinese text of a key, as the build wrote it (zh.txt: `Name<TAB>text` lines).
const zh = (key) => fs.readFileSync(path.join(DIST, 'zh.txt'), 'utf8').split('\n').find((l) => l.startsWith(`${key}\t`)).split('\t')[1];

test('the first load fetches neither a scenario file nor the Chinese table', async () => {
  const { page, fetched } = await open('?lang=en');
  assert.equal((await published(page)).lesson, 'full-sync');
  assert.ok((await published(page)).last_step > 0);
  assert.deepEqual(fetched, []);
  await page.close();
});

test('a scenario file\'s lesson is fetched when it is opened, once, and runs', async () => {
  const { page, fetched } = await open('?lang=en');
  for (const id of ['chained-replica', 'full-sync', 'chained-replica']) {
    await page.getByTestId('lesson-select').selectOption(id);
    await page.waitForFunction((l) => window.__replscope.lesson === l, id);
    assert.ok((await published(page)).last_step > 0, id);
  }
  assert.deepEqual(fetched, ['scenarios/chained-replica.scn']);
  assert.equal(await page.getByTestId('error-banner').count(), 0);
  await page.close();
});

test('a lesson link of a scenario file opens it at its step (the page waits for the text)', async () => {
  const { page, fetched } = await open('?lesson=failover-psync2&step=5&lang=en');
  const now = await published(page);
  assert.equal(now.lesson, 'failover-psync2');
  assert.equal(now.step, 5);
  assert.deepEqual(fetched, ['scenarios/failover-psync2.scn']);
  await page.close();
});

test('a lesson whose file cannot be fetched says so and the lesson on screen stays', async () => {
  const { page } = await open('?lang=en', { block: '**/scenarios/chained-replica.scn' });
  await page.getByTestId('next-decision').click();
  await page.waitForFunction(() => window.__replscope.step > 0);
  const before = await published(page);
  await page.getByTestId('lesson-select').selectOption('chained-replica');
  const banner = page.getByTestId('error-banner');
  await banner.waitFor();
  assert.match(await banner.innerText(), /The lesson “chained-replica” could not be loaded \(.+\); the lesson on screen stays\./);
  const after = await published(page);
  assert.equal(after.lesson, before.lesson);
  assert.equal(after.step, before.step);
  assert.equal(after.last_step, before.last_step);
  await page.close();
  // Opened by a link, it gives way to the first lesson and says why.
  const link = await open('?lesson=chained-replica&lang=en', { block: '**/scenarios/chained-replica.scn' });
  assert.equal((await published(link.page)).lesson, 'full-sync');
  assert.match(await link.page.getByTestId('error-banner').innerText(), /“chained-replica” could not be loaded/);
  await link.page.close();
});

test('?lang=zh-CN fetches the Chinese table before the first render; the switch fetches it when chosen', async () => {
  const { page, fetched } = await open('?lang=zh-CN');
  assert.equal(await page.locator('#h-topology').textContent(), zh('HTopology'));
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.deepEqual(fetched, ['zh.txt']);
  await page.close();
  const en = await open('?lesson=full-sync&lang=en');
  await en.page.evaluate(() => localStorage.removeItem('replscope-lang'));
  assert.equal(await en.page.locator('#h-topology').textContent(), 'Topology');
  assert.deepEqual(en.fetched, []);
  await en.page.getByTestId('lang-switch').selectOption('zh-CN');
  await en.page.waitForFunction((t) => document.querySelector('#h-topology')?.textContent === t, zh('HTopology'));
  assert.deepEqual(en.fetched, ['zh.txt']);
  assert.equal(await en.page.getByTestId('lang-switch').inputValue(), 'zh-CN');
  await en.page.evaluate(() => localStorage.removeItem('replscope-lang'));
  await en.page.close();
});

test('on a slow network the Chinese table and a lesson\'s file leave while the wasm downloads, once each', async () => {
  const page = await schoolNetworkPage(browser.context);
  const fetched = [];
  page.on('request', (r) => { if (onDemand(r.url())) fetched.push(new URL(r.url()).pathname.slice(1)); });
  await markShown(page, 'app');
  await page.goto(server.url + '?lang=zh-CN&lesson=chained-replica');
  await waitForApp(page);
  const shown = await shownAt(page);
  // What the student sees: the Chinese page, on the lesson the link names.
  assert.equal(await page.locator('#h-topology').textContent(), zh('HTopology'));
  assert.equal((await published(page)).lesson, 'chained-replica');
  assert.deepEqual(fetched.sort(), ['scenarios/chained-replica.scn', 'zh.txt'], 'each text requested once');
  // The page's own wasm, not a split chunk fetched after the first render.
  const at = Object.fromEntries((await fetchedFiles(page))
    .filter((f) => /(\.wasm|zh\.txt|\.scn)$/.test(f.file) && !f.chunk)
    .map((f) => [f.file.endsWith('.wasm') ? 'wasm' : f.file.endsWith('.txt') ? 'zh' : 'scn', { start: f.start, end: f.end }]));
  console.log(`bench: start-up, Chinese page with a scenario file's lesson over a 300 ms round trip at 8 Mbit/s: on screen at ${shown.toFixed(0)} ms; wasm ${at.wasm.start.toFixed(0)}-${at.wasm.end.toFixed(0)} ms, zh.txt ${at.zh.start.toFixed(0)}-${at.zh.end.toFixed(0)} ms, the lesson's file ${at.scn.start.toFixed(0)}-${at.scn.end.toFixed(0)} ms`);
  // Both texts were asked for before the wasm had arrived, not a round trip after it started.
  assert.ok(at.zh.start < at.wasm.end && at.scn.start < at.wasm.end, JSON.stringify(at));
  await page.close();
});

test('a Chinese table that cannot be fetched leaves the page in English and says why', async () => {
  const { page } = await open('?lang=zh-CN', { block: '**/zh.txt' });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.locator('#h-topology').textContent(), 'Topology');
  assert.match(await page.getByTestId('error-banner').innerText(), /The Chinese texts could not be loaded \(.+\); the page stays in English\./);
  await page.getByTestId('error-banner').getByRole('button').click();
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await page.getByTestId('error-banner').waitFor();
  assert.equal(await page.locator('#h-topology').textContent(), 'Topology');
  // The switch says what the page is in, not what was picked and could not be had.
  assert.equal(await page.getByTestId('lang-switch').inputValue(), 'en');
  await page.evaluate(() => localStorage.removeItem('replscope-lang'));
  await page.close();
});

test('the embed mode opens a scenario file\'s lesson from its link', async () => {
  const { page, fetched } = await open('?lesson=short-cut-partial-resync&embed=1&lang=en');
  assert.equal(await page.getByTestId('app').getAttribute('data-mode'), 'embed');
  assert.equal((await published(page)).lesson, 'short-cut-partial-resync');
  assert.deepEqual(fetched, ['scenarios/short-cut-partial-resync.scn']);
  await page.close();
});

test('the single file reads its inline copies: Chinese and a scenario file\'s lesson with no request', async () => {
  const file = path.join(OUT, 'replscope-single-ondemand.html');
  execFileSync('node', [path.join(ROOT, 'scripts', 'single.mjs'), DIST, file]);
  const page = await browser.context.newPage();
  const requests = [];
  page.on('request', (r) => { if (!/^(data|blob):/.test(r.url())) requests.push(r.url()); });
  const url = `${pathToFileURL(file).href}?lesson=failover-psync2&lang=zh-CN`;
  await page.goto(url);
  await waitForApp(page);
  assert.equal(await page.locator('#h-topology').textContent(), zh('HTopology'));
  assert.equal((await published(page)).lesson, 'failover-psync2');
  await page.getByTestId('lesson-select').selectOption('chained-replica');
  await page.waitForFunction(() => window.__replscope.lesson === 'chained-replica');
  assert.equal(await page.getByTestId('error-banner').count(), 0);
  assert.deepEqual(requests, [url], 'the only request is the file itself');
  await page.close();
});
