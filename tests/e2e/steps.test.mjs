// Issue 12, "controls that surprise", second half: a Step is one visible thing and never lands
// on a step with nothing to show; Step and Run-to say so, and do not move, when nothing comes;
// a command typed while paused runs until it is answered (unless "step by hand" is on), and the
// console scrolls to its newest output; "Write N random keys" has a value size, a cap shown in
// the field, runs in well under a second and folds its propagation into one Messages row.
// Prints "bench: bulk write 1000 keys: N ms wall" (a figure, not a timed assertion).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp, screenshot } from './harness.mjs';
import { published, waitForApp, toEnd, consoleCommand } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const clock = async (page) => (await page.getByTestId('clock').innerText()).trim();
const lastReply = (page) => page.locator('.console-out li').last().locator('pre.reply');
const text = async (loc) => (await loc.innerText()).trim();

test('in a quiet world Step and Run-to say that nothing comes and do not move', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  // One master, nobody connected: only its own timers tick, and they show nothing.
  await page.getByTestId('import').setInputFiles({ name: 'alone.scn', mimeType: 'text/plain', buffer: Buffer.from('node m\n') });
  await page.waitForFunction(() => window.__replscope.snapshot.nodes.length === 1 && window.__replscope.step === 0, null, { timeout: 30_000 });
  const before = { clock: await clock(page), pub: await published(page) };
  await page.getByTestId('step').click();
  const notice = page.getByTestId('notice');
  await notice.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await text(notice), /Nothing moved: nothing is in flight and nothing happens within a minute of simulated time\./);
  const after = await published(page);
  assert.equal(await clock(page), before.clock, 'the step counter and the clock did not move');
  assert.equal(after.step, before.pub.step);
  assert.equal(after.snapshot.time_ms, before.pub.snapshot.time_ms);
  assert.equal(after.last_step, before.pub.last_step, 'no empty steps were recorded');
  // Run to: next replica online, with no replica anywhere.
  const kinds = await page.getByTestId('next-kind').locator('option').allInnerTexts();
  await page.getByTestId('next-kind').selectOption({ index: kinds.findIndex((k) => /replica online/.test(k)) });
  await page.waitForFunction(() => /replica online comes/.test(document.querySelector('[data-testid=notice]')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.match(await text(notice), /Nothing moved: no replica online comes within a minute of simulated time\./);
  assert.equal(await clock(page), before.clock);
  assert.equal((await published(page)).snapshot.time_ms, before.pub.snapshot.time_ms);
  await screenshot(page, 'steps-quiet-world');
  assert.deepEqual(errors, []);
});

test('every Step lands on something it shows, and a quiet stretch is named with what ended it', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  const happened = page.getByTestId('just-happened');
  let sawIdle = false;
  // Through the recorded lesson, then past its end (heartbeats between a settled pair).
  for (let i = 0; i < 40; i++) {
    if (i === 25) await toEnd(page);
    const s = (await published(page)).step;
    await page.getByTestId('step').click();
    await page.waitForFunction((x) => window.__replscope.step > x && !window.__replscope.walking, s, { timeout: 30_000 });
    const shown = await text(happened);
    assert.equal(shown.includes('Nothing recorded at this step'), false, `step ${s}: the step shows something`);
    assert.ok((await happened.locator('.happened').count()) > 0, `step ${s}: at least one thing happened`);
    const notice = page.getByTestId('notice');
    if (await notice.count()) {
      const said = (await text(notice)).replace(/^ℹ\s*|\s*✕$/g, '');
      assert.match(said, /(Nothing was in flight, so the next thing came [\d.]+ (s|min \d+ s) later \(simulated time\), from a timer|[\d.]+ (s|min \d+ s) of simulated time passed before the next thing)/);
      // It names a thing the Messages panel or the step label shows (a message or an event).
      const what = said.split(': ').slice(1).join(': ');
      assert.ok(what.length > 3, said);
      sawIdle = true;
    }
  }
  assert.ok(sawIdle, 'past the end, heartbeats come a second apart: some step crossed quiet time and said so');
  assert.deepEqual(errors, []);
});

test('a command typed while paused runs until its reply and propagation arrived; "step by hand" waits', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const start = await published(page);
  assert.equal(start.playing, false);
  await consoleCommand(page, 'm', 'SET typed yes');
  await page.waitForFunction(() => {
    const last = [...document.querySelectorAll('.console-out li')].at(-1);
    return last && last.textContent.includes('SET typed yes') && last.querySelector('pre.reply:not(.pending)');
  }, null, { timeout: 30_000 });
  assert.equal(await text(lastReply(page)), 'OK');
  const answered = await published(page);
  assert.ok(answered.step > start.step, `the step counter moved (${start.step} → ${answered.step})`);
  assert.match(await clock(page), new RegExp(`step ${answered.step} `));
  // The propagation reached r1: the Messages panel shows it, and r1's offset caught up.
  await page.locator('.seq-item summary', { hasText: 'SET typed yes' }).first().waitFor({ timeout: 10_000 });
  const node = (n) => answered.snapshot.nodes.find((x) => x.name === n);
  assert.equal(node('r1').slave_repl_offset, node('m').master_repl_offset);
  assert.equal(answered.playing, false, 'still paused');

  // Step by hand: the command waits for Step.
  await page.getByTestId('step-by-hand').check();
  const here = (await published(page)).step;
  await consoleCommand(page, 'm', 'SET manual 1');
  await page.locator('.console-out li').last().filter({ hasText: 'SET manual 1' }).waitFor();
  assert.equal(await text(lastReply(page)), '… (waiting for the reply: step or play)');
  assert.equal((await published(page)).step, here, 'nothing ran');
  for (let i = 0; i < 10 && (await text(lastReply(page))) !== 'OK'; i++) {
    const s = (await published(page)).step;
    await page.getByTestId('step').click();
    await page.waitForFunction((x) => window.__replscope.step > x && !window.__replscope.walking, s, { timeout: 30_000 });
  }
  assert.equal(await text(lastReply(page)), 'OK', 'Step brought the reply');
  await page.getByTestId('step-by-hand').uncheck();
  assert.deepEqual(errors, []);
});

test('"Write N random keys": value size, a visible cap, well under a second for 1000 keys, one grouped row', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  await page.getByTestId('console-tab-m').click();
  const count = page.getByTestId('random-count-m');
  const size = page.getByTestId('random-size-m');
  // 1 MB values: at most 16 per click, said in the field's max and in words.
  await size.selectOption({ label: '1 MB' });
  assert.equal(await count.getAttribute('max'), '16');
  assert.equal(await text(page.getByTestId('random-m')), 'Write 16 random keys');
  assert.match(await text(page.getByTestId('random-capped')), /^At most 16 keys of 1 MB per click \(16 MB in all\): the count was capped\.$/);
  // 16 B values: 1000 keys, not capped, the count kept.
  await size.selectOption({ label: '16 B' });
  assert.equal(await count.getAttribute('max'), '20000');
  await count.fill('1000');
  await count.press('Tab');
  assert.equal(await page.getByTestId('random-capped').count(), 0);
  await size.selectOption({ label: '1 KB' });
  assert.equal(await text(page.getByTestId('random-m')), 'Write 1000 random keys');

  // At the fastest speed, playing: 1000 keys of 1 KB, timed until every reply and r1 caught up.
  const speed = page.getByTestId('speed');
  const options = await speed.locator('option').evaluateAll((os) => os.map((o) => o.value));
  await speed.selectOption(options[options.length - 1]);
  await page.getByTestId('play').click();
  const before = await published(page);
  const t0 = Date.now();
  await page.getByTestId('random-m').click();
  await page.waitForFunction(() => {
    const p = window.__replscope;
    const m = p.snapshot.nodes.find((n) => n.name === 'm');
    const r1 = p.snapshot.nodes.find((n) => n.name === 'r1');
    const last = [...document.querySelectorAll('.console-out li')].at(-1);
    return last && /SET key:999 /.test(last.textContent) && last.querySelector('pre.reply:not(.pending)') && r1.slave_repl_offset === m.master_repl_offset;
  }, null, { timeout: 120_000, polling: 20 });
  const wall = Date.now() - t0;
  await page.getByTestId('pause').click();
  const after = await published(page);
  console.log(`bench: bulk write 1000 keys: ${wall} ms wall (1 KB values, fastest speed, playing; ${after.step - before.step} steps; target well under 1000 ms)`);
  const m = after.snapshot.nodes.find((n) => n.name === 'm');
  assert.ok(m.master_repl_offset - before.snapshot.nodes.find((n) => n.name === 'm').master_repl_offset > 1000 * 1024, 'a thousand 1 KB values were propagated');

  // The console shows the newest output.
  const scrolled = await page.locator('.console-out').evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop);
  assert.ok(scrolled <= 2, `the console is scrolled to its newest line (${scrolled} px short)`);
  // Messages: the propagation is one group row that expands to its messages.
  const group = page.getByTestId('seq-group').filter({ hasText: 'm → r1: SET' });
  await group.first().waitFor();
  const head = await text(group.first());
  // The messages the socket carried (a full socket splits writes), over a megabyte in all.
  const [, n, amount, unit] = head.match(/^(\d+) × m → r1: SET \(([\d.]+) (KB|MB) in all\)$/) ?? [];
  assert.ok(Number(n) >= 100 && Number(amount) * (unit === 'MB' ? 1024 : 1) >= 1000, head);
  assert.equal(await page.getByTestId('seq-group').filter({ hasText: 'm → r1: SET' }).count(), 1, 'one group row for the whole write');
  await group.first().click();
  assert.ok(await page.locator('.seq-group[open], .seq-group details[open]').locator('li.seq-item').count() > 0);
  await screenshot(page, 'steps-bulk-write-grouped');
  assert.deepEqual(errors, []);
});
