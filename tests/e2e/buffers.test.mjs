// Replication buffers, drawn (issue 14): the slow-replica scenario watched on its buffer bar
// (bytes against client-output-buffer-limit replica, the drop at the hard limit), a soft limit's
// clock counting on screen in a branch of the same run, and the 7.0 / 6.x layout switch that
// changes the picture and the memory figures but never the step or the trace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp } from './harness.mjs';
import { published, waitForApp, lessonToEnd, scrubTo, consoleCommand, consoleAnswer } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const text = async (loc) => (await loc.innerText()).replace(/\s+/g, ' ').trim();
const LESSON = '?lesson=slow-replica-output-buffer-limit&seed=7';
const BAR = 'replica-buffer-m-r1';

/** What the bar says, as numbers read from its text. */
async function bar(page) {
  const el = page.getByTestId(BAR);
  if (!(await el.count())) return null;
  const bytesText = await text(el.getByTestId('buffer-bytes'));
  const hardText = await text(el.getByTestId('buffer-hard'));
  const softText = await text(el.getByTestId('buffer-soft'));
  const timer = el.getByTestId('soft-timer');
  const dropped = el.getByTestId('buffer-dropped');
  const num = (s, re) => { const m = s.match(re); return m ? Number(m[1]) : null; };
  return {
    attached: (await el.getAttribute('data-attached')) === 'true',
    bytes: num(bytesText, /^(\d+) B in the output buffer/),
    hard: num(hardText, /^hard limit (\d+) B/),
    soft: num(softText, /^soft limit (\d+) B/),
    softText,
    timer: (await timer.count()) ? await text(timer) : null,
    dropped: (await dropped.count()) ? await text(dropped) : null,
  };
}

test('the slow replica fills its buffer past the hard limit and is dropped, on the bar', async () => {
  const { page, errors } = await openApp(browser.context, server.url, LESSON);
  await waitForApp(page);
  const last = await lessonToEnd(page);
  let seen = [];
  let drop = null;
  for (let s = 0; s <= last && !drop; s++) {
    await scrubTo(page, s);
    const b = await bar(page);
    if (!b) continue;
    if (b.attached) {
      seen.push({ s, ...b });
      // The inspector's slaveN row shows the same figure as the bar.
      const omem = page.getByTestId('replica-rows-m').locator('[data-replica=r1] [data-field=omem]');
      if (await omem.count()) assert.equal(await text(omem), `${b.bytes} B`, `step ${s}: inspector and bar agree`);
    } else {
      drop = { s, ...b };
    }
  }
  assert.ok(drop, 'a step shows r1 dropped');
  const filling = seen.filter((b) => b.bytes > 0);
  assert.ok(filling.length > 0, 'the bar showed r1 buffering before the drop');
  const hard = filling[0].hard;
  assert.equal(hard, 32768, 'the hard limit on screen is client-output-buffer-limit replica 32kb');
  assert.equal(filling[0].softText, 'no soft limit');
  assert.ok(filling.every((b) => b.bytes < hard), 'attached, r1 stays under the hard limit');
  const m = drop.dropped.match(/^dropped at \d\d:\d\d:\d\d\.\d{3} \(step (\d+)\): over the hard limit with (\d+) B$/);
  assert.ok(m, drop.dropped);
  assert.ok(Number(m[2]) >= hard, `dropped with ${m[2]} B, at or over the ${hard} B shown`);
  assert.ok(Number(m[1]) <= drop.s, 'the drop happened by the step shown');
  // After r1 comes back, its bar says when it was last dropped.
  await scrubTo(page, last);
  const end = await bar(page);
  assert.equal(end.attached, true);
  assert.match(end.dropped, /^last dropped at .*over the hard limit/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a soft limit: the clock counts on screen while over it, then the drop', async () => {
  const { page, errors } = await openApp(browser.context, server.url, LESSON);
  await waitForApp(page);
  await lessonToEnd(page);
  // After the lesson, on the same run: m–r1 set to "congested" (125 KB/s), a soft limit of
  // 24 KB for 2 s, and 600 KB of writes in one MULTI/EXEC: the socket buffer (128 KB) takes what it can, the rest
  // waits in r1's output buffer and drains for seconds.
  const select = page.getByTestId('link-speed-m-r1').getByTestId('link-speed-preset');
  const label = (await select.locator('option').allInnerTexts()).find((o) => o.startsWith('congested'));
  assert.ok(label, 'a "congested" preset');
  await select.selectOption({ label });
  await page.waitForFunction(() => (window.__replscope.snapshot.links.find((l) => l.a === 'm' && l.b === 'r1') || {}).bytes_per_ms === 125, null, { timeout: 30_000 });
  await consoleCommand(page, 'm', 'CONFIG SET client-output-buffer-limit "replica 1mb 24kb 2"');
  await page.waitForFunction(() => /soft limit 24576 B for 2 s/.test(document.querySelector('[data-testid=replica-buffer-m-r1]')?.innerText ?? ''), null, { timeout: 30_000 });
  // In one transaction, so the 600 KB reach the stream at once (EXEC). The console runs to
  // EXEC's answer, past the soft limit's seconds: the steps it ran are then watched one by one.
  const lines = ['MULTI', ...Array.from({ length: 15 }, (_, i) => `SET big:${i} ${'x'.repeat(40000)}`), 'EXEC'];
  let from = 0;
  for (const line of lines) {
    const before = (await published(page)).step;
    from = before;
    await consoleAnswer(page, 'm', line);
    assert.ok((await published(page)).step > before, `${line.slice(0, 12)} moved the world`);
  }
  const to = (await published(page)).step;
  const timers = [];
  let over = null;
  let b = null;
  for (let s = from; s <= to; s++) {
    await scrubTo(page, s);
    b = await bar(page);
    if (b?.attached === false) break;
    if (b?.timer?.startsWith('over the soft limit')) {
      if (!timers.includes(b.timer)) timers.push(b.timer);
      over ??= b;
    }
  }
  assert.ok(over, 'the bar went over the soft limit');
  assert.ok(over.bytes > over.soft, `${over.bytes} B shown exceed the ${over.soft} B soft limit shown`);
  assert.ok(over.bytes < over.hard, 'and stay under the hard limit');
  assert.ok(timers.includes('over the soft limit for 1 s of 2 s'), timers.join(' | '));
  assert.ok(timers.includes('over the soft limit for 2 s of 2 s'), timers.join(' | '));
  assert.equal(b.attached, false, 'dropped');
  assert.match(b.dropped, /^dropped at .*: over the soft limit with (\d+) B$/);
  assert.ok(Number(b.dropped.match(/with (\d+) B$/)[1]) > over.soft);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the layout switch redraws 7.0 as 6.x without touching the run', async () => {
  const { page, errors } = await openApp(browser.context, server.url, LESSON);
  await waitForApp(page);
  const last = await lessonToEnd(page);
  // The lesson's end: r1 is back, m's backlog and the shared buffer exist.
  assert.ok(last > 0);
  const figure = page.getByTestId('layout-figure-m');
  const memory = async () => Number((await text(figure.getByTestId('layout-memory'))).match(/memory: (\d+) B$/)[1]);
  const before = await published(page);
  const clock = await text(page.getByTestId('clock'));
  assert.equal(await figure.getAttribute('data-layout'), '7.0');
  const text7 = await text(figure);
  const mem7 = await memory();
  const shared = text7.match(/One shared replication buffer: (\d+) blocks, (\d+) B/);
  assert.ok(shared, text7);
  assert.equal(mem7, Number(shared[2]), 'the 7.0 memory is the shared buffer');
  assert.equal(await figure.getByTestId('modelled').count(), 0);
  const bars = () => figure.getByTestId('layout-picture').locator('rect').count();
  assert.equal(await bars(), 1, '7.0: one shared buffer');
  await page.getByTestId('backlog-layout').getByLabel('Redis 6.x and earlier').check();
  await page.waitForFunction(() => document.querySelector('[data-testid=layout-figure-m]')?.dataset.layout === '6.x');
  const text6 = await text(figure);
  const mem6 = await memory();
  assert.notEqual(text6, text7);
  assert.match(text6, /A ring backlog allocated whole: 16384 B/);
  const copy = text6.match(/r1: (\d+) B unsent = (\d+) B in its 16 KB static buffer \+ (\d+) blocks: omem (\d+) B/);
  assert.ok(copy, text6);
  assert.equal(mem6, 16384 + Number(copy[4]), 'the 6.x memory is the whole ring plus r1\'s own copy');
  assert.equal(await text(figure.getByTestId('modelled')), '(modelled, not measured)');
  assert.notEqual(mem6, mem7, `6.x ${mem6} B vs 7.0 ${mem7} B`);
  assert.equal(await bars(), 2, '6.x: the ring, and r1\'s own copy');
  const after = await published(page);
  assert.equal(after.step, before.step, 'same step');
  assert.equal(after.last_step, before.last_step, 'same run length');
  assert.deepEqual(after.snapshot, before.snapshot, 'same moment of the run');
  assert.equal(await text(page.getByTestId('clock')), clock, 'the clock reads the same');
  // And back.
  await page.getByTestId('backlog-layout').getByLabel('Redis 7.0').check();
  await page.waitForFunction(() => document.querySelector('[data-testid=layout-figure-m]')?.dataset.layout === '7.0');
  assert.equal(await memory(), mem7);
  assert.deepEqual(errors, []);
  await page.close();
});
