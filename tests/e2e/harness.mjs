// Shared end-to-end plumbing: serve dist/ on a free loopback port, launch Debian's Chromium
// through playwright-core, and record console errors and any request to a foreign host.
import http from 'node:http';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { isChunk } from './bundle-size.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
// The test command builds into its own folder (REPLSCOPE_DIST), so a `serve` running in the
// same checkout keeps its dist/ and its open page does not reload while the tests run.
export const DIST = process.env.REPLSCOPE_DIST ? path.resolve(process.env.REPLSCOPE_DIST) : path.join(ROOT, 'dist');
export const OUT = path.join(here, 'out');

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
  '.woff2': 'font/woff2', '.txt': 'text/plain', '.scn': 'text/plain',
};

// Text and wasm go out gzip-compressed when the browser accepts it, as a static host sends
// them (GitHub Pages, nginx's gzip): on a slow link the wasm's gzip size is what crosses it,
// and that is the size the first-load figure counts. Compressed once per file and change.
// REPLSCOPE_SERVE_PLAIN=1 sends every file as it is (an A/B of the two: on loopback the
// start-up ratio did not move beyond its spread, 2.78-3.03x plain, 2.86-3.06x gzip).
const COMPRESSIBLE = new Set(['.html', '.js', '.wasm', '.css', '.svg', '.json', '.txt', '.scn']);
const gzipped = new Map();
function gzipOf(file) {
  const stamp = fs.statSync(file).mtimeMs;
  const hit = gzipped.get(file);
  if (hit?.stamp === stamp) return hit.body;
  const body = zlib.gzipSync(fs.readFileSync(file), { level: 9 });
  gzipped.set(file, { stamp, body });
  return body;
}

/** Serve `dir` on 127.0.0.1 on a free port; resolves to { url, close }. With `caching`, the
 *  headers a static host sends (GitHub Pages: an ETag; index.html revalidated on every visit,
 *  the content-hashed files kept 10 minutes) and 304s for a revalidation; without, none, so a
 *  test sees every file fetched. */
export function serveDir(dir = DIST, { caching = false } = {}) {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html is missing: build the app first (scripts/dev.sh build)`);
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.normalize(path.join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404).end('not found'); return; }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const cache = {};
    if (caching) {
      const stat = fs.statSync(file);
      const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
      if (req.headers['if-none-match'] === etag) { res.writeHead(304, { etag }).end(); return; }
      Object.assign(cache, { etag, 'cache-control': path.extname(file) === '.html' ? 'no-cache' : 'max-age=600' });
    }
    if (process.env.REPLSCOPE_SERVE_PLAIN !== '1' && COMPRESSIBLE.has(path.extname(file)) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      res.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip', vary: 'accept-encoding', ...cache });
      res.end(gzipOf(file));
      return;
    }
    res.writeHead(200, { 'content-type': type, ...cache });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Launch headless Chromium with the flags this sandbox needs (no GPU, no outside network). */
export async function launch() {
  const userDataDir = fs.mkdtempSync('/tmp/replscope-chromium-');
  const args = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
    '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args,
    viewport: { width: 1280, height: 860 },
  });
  return { context, close: async () => { await context.close(); fs.rmSync(userDataDir, { recursive: true, force: true }); } };
}

/** A fresh page on a school network: 150 ms each way (a 300 ms round trip), 8 Mbit/s down,
 *  2 Mbit/s up, the cache off (a first visit), as Chromium's network emulation makes it. */
export async function schoolNetworkPage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1_000_000, uploadThroughput: 250_000 });
  return page;
}

/** A fresh page of `width`×`height` CSS px (a phone, a zoomed window) at `query`, collecting errors. */
export async function openSized(context, baseUrl, query, width, height) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(baseUrl + query);
  return { page, errors };
}

/** Open the app; returns { page, errors, foreign } where the last two collect problems. */
export async function openApp(context, baseUrl, query = '') {
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  const foreign = [];
  const origin = new URL(baseUrl).origin;
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== origin) foreign.push(r.url());
  });
  await page.goto(baseUrl + query);
  return { page, errors, foreign };
}

export async function screenshot(page, name) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The single file (scripts/single.mjs) written from DIST to OUT/`name` and opened from file:// in
 *  a new page; `requests` collects every request but data:/blob: ones, `errors` the page's. */
export async function openSingleFile(context, name) {
  const file = path.join(OUT, name);
  const said = execFileSync('node', [path.join(ROOT, 'scripts', 'single.mjs'), DIST, file]).toString();
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => { if (!/^(data|blob):/.test(r.url())) requests.push(r.url()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = pathToFileURL(file).href;
  await page.goto(url);
  return { page, url, said, requests, errors };
}

/** Records on the page's own clock when `[data-testid=<testid>]` is first in the DOM, read back by
 *  `shownAt`. Playwright's waitFor polls on a back-off of up to 500 ms, which rounds a start-up
 *  figure to its polls. Call before `page.goto`. */
export async function markShown(page, testid) {
  await page.addInitScript((id) => {
    new MutationObserver((_, obs) => {
      if (document.querySelector(`[data-testid="${id}"]`)) { window.__shownAt = performance.now(); obs.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  }, testid);
}

export const shownAt = (page) => page.evaluate(() => window.__shownAt);

/** The files the page has fetched so far, by the page's resource timing: each with its file
 *  name (the last part of its path), when it was asked for and when it was in (ms after
 *  navigation), its bytes over the wire and unpacked, and whether it is a split chunk of the
 *  wasm (fetched after the first render, not part of the first load). */
export async function fetchedFiles(page) {
  const entries = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({
    url: e.name, start: e.startTime, end: e.responseEnd, encoded: e.encodedBodySize, decoded: e.decodedBodySize,
  })));
  return entries.map((e) => {
    const file = new URL(e.url).pathname.split('/').pop();
    return { ...e, file, chunk: isChunk(file) };
  });
}
