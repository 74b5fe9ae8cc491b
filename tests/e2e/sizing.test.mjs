// The backlog sizing calculator (issue 14): rate × outage × margin with the numbers
// substituted, the rate read from the run, and one click that sets the size and replays the
// cut. The long-cut lesson's 16 KB backlog gave +FULLRESYNC; the computed size gives +CONTINUE, read
// from the decision card and the calculator's two replays (each the engine's own decision).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp } from './harness.mjs';
import { published, waitForApp, lessonToEnd, decision } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const text = async (loc) => (await loc.innerText()).replace(/\s+/g, ' ').trim();
const num = (s) => Number(s.replace(/,/g, ''));

test('the calculator sizes the backlog from the run, and applying it turns the cut\'s +FULLRESYNC into +CONTINUE', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=long-cut-backlog-overflow-full-resync&seed=7');
  await waitForApp(page);
  await lessonToEnd(page);
  // The lesson's cut with a 16 KB backlog: m answered +FULLRESYNC.
  const before = await decision(page);
  assert.equal(before.outcome, 'fullresync');
  assert.match(before.text, /\+FULLRESYNC/);

  const calc = page.getByTestId('sizing-calculator');
  // The run's rate: m's master_repl_offset growth over the run's last seconds, offered as a button.
  const runRate = await text(calc.getByTestId('sizing-run-rate'));
  const m = runRate.match(/m's master_repl_offset grew ([\d,]+) bytes in the last ([\d.]+) s of the run Use the run's rate: ([\d,]+) B\/s/);
  assert.ok(m, runRate);
  const [grew, secs, rate] = [num(m[1]), Number(m[2]), num(m[3])];
  assert.ok(grew > 0 && secs > 0);
  assert.ok(Math.abs(rate - grew / secs) <= 1 + rate * 0.01, `${rate} B/s vs ${grew} bytes in ${secs} s`);
  await calc.getByTestId('sizing-use-run-rate').click();
  assert.equal(num(await calc.getByTestId('sizing-rate').inputValue()), rate);

  // The run's outage: from the cut on the timeline to m's next PSYNC decision, both marks there.
  const runOutage = await text(calc.getByTestId('sizing-run-outage'));
  const o = runOutage.match(/^The run's last cut of m–r1 lasted ([\d.]+) s: from the cut \(step (\d+)\) to m's next PSYNC decision \(step (\d+)\) Use the run's outage: (\d+) s$/);
  assert.ok(o, runOutage);
  const [lasted, cutStep, psyncStep, offered] = [Number(o[1]), Number(o[2]), Number(o[3]), Number(o[4])];
  assert.ok(psyncStep > cutStep, runOutage);
  assert.equal(offered, Math.max(1, Math.ceil(lasted - 1e-9)), 'whole seconds, rounded up');
  const ticks = page.getByTestId('timeline-marks').getByRole('button');
  const tickAt = async (step) => ticks.evaluateAll((els, s) => els.filter((e) => Number(e.dataset.step) === s).map((e) => e.getAttribute('aria-label')), step);
  assert.ok((await tickAt(cutStep)).some((n) => /cut/i.test(n)), `a cut mark at step ${cutStep}`);
  assert.ok((await tickAt(psyncStep)).some((n) => /\+FULLRESYNC/.test(n)), `m's decision at step ${psyncStep}`);
  await calc.getByTestId('sizing-use-run-outage').click();
  assert.equal(Number(await calc.getByTestId('sizing-outage').inputValue()), offered);

  // An outage long enough that m writes at least what the lesson wrote during its cut (10 × 4031 bytes).
  const outage = Math.ceil(40_310 / rate);
  await calc.getByTestId('sizing-outage').fill(String(outage));
  await calc.getByTestId('sizing-margin').fill('2');
  const formula = await text(calc.getByTestId('sizing-formula'));
  const f = formula.match(/^repl-backlog-size = ([\d,]+) B\/s × (\d+) s × 2 = ([\d,]+) bytes → set ([\d,]+) bytes \(.+\), rounded up to whole KB$/);
  assert.ok(f, formula);
  assert.equal(num(f[1]), rate);
  assert.equal(Number(f[2]), outage);
  assert.equal(num(f[3]), rate * outage * 2);
  const size = num(f[4]);
  assert.ok(size >= rate * outage * 2 && size - rate * outage * 2 < 1024 && size % 1024 === 0, formula);

  const apply = calc.getByTestId('sizing-apply');
  assert.equal(await text(apply), `Set repl-backlog-size ${size} and replay a ${outage} s cut`);
  await apply.click();
  const compare = calc.getByTestId('sizing-compare');
  await compare.waitFor({ state: 'visible', timeout: 30_000 });
  // Side by side, each as the engine decided it: the old 16 KB full-resyncs, the new size continues.
  const old = await text(compare.getByTestId('sizing-old'));
  const sized = await text(compare.getByTestId('sizing-new'));
  assert.match(old, /^now: repl-backlog-size 16,384 \(16(\.0)? KB\) \+FULLRESYNC: r1 asked for byte \d+, outside the backlog/, old);
  assert.ok(sized.startsWith(`sized: repl-backlog-size ${size.toLocaleString('en-US')} (`), sized);
  assert.match(sized, /\+CONTINUE: r1 asked for byte \d+, inside the backlog \[\d+, \d+\]; [\d,]+ bytes of backlog sent/);
  const sent = num(sized.match(/; ([\d,]+) bytes of backlog sent/)[1]);
  assert.ok(sent >= rate * outage, `${sent} bytes sent for ${rate * outage} written`);

  // The page now shows the replay with the new size: m's backlog is that size, and its card says +CONTINUE.
  await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.outcome === 'continue', null, { timeout: 30_000 });
  const after = await decision(page);
  assert.match(after.text, /\+CONTINUE/);
  assert.equal(after.continueBytes, sent);
  const snap = (await published(page)).snapshot;
  assert.equal(snap.nodes.find((n) => n.name === 'm').backlog.size, size);
  assert.deepEqual(errors, []);
  await page.close();
});

test('bad figures get a clear error and no apply button; the 16 KB floor is named', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=backlog-sizing&seed=7');
  await waitForApp(page);
  const calc = page.getByTestId('sizing-calculator');
  for (const [field, value, words] of [
    ['rate', 'fast', 'The write rate must be a whole number of bytes per second.'],
    ['rate', '-100', 'The write rate must be more than 0 bytes per second.'],
    ['rate', '99999999999', 'A write rate over 10 GB/s is not one a Redis master sustains; check the figure.'],
    ['outage', '0', 'The outage must be at least 1 second.'],
    ['margin', '0.5', 'The margin must be at least 1 (×1 is the bare minimum).'],
  ]) {
    await calc.getByTestId('sizing-rate').fill('4000');
    await calc.getByTestId('sizing-outage').fill('10');
    await calc.getByTestId('sizing-margin').fill('2');
    await calc.getByTestId(`sizing-${field}`).fill(value);
    assert.equal(await text(calc.getByTestId('sizing-error')), words);
    assert.equal(await calc.getByTestId(`sizing-${field}`).getAttribute('aria-invalid'), 'true');
    assert.equal(await calc.getByTestId('sizing-apply').count(), 0);
  }
  // A tiny product is raised to Redis's minimum, and the page says why.
  await calc.getByTestId('sizing-rate').fill('10');
  await calc.getByTestId('sizing-outage').fill('5');
  await calc.getByTestId('sizing-margin').fill('2');
  assert.match(await text(calc.getByTestId('sizing-formula')), /= 100 bytes → set 16,384 bytes \(16(\.0)? KB\): Redis keeps at least 16 KB/);
  // A replay too big for the page is refused with a reason; the size still shows.
  await calc.getByTestId('sizing-rate').fill('1000000');
  await calc.getByTestId('sizing-outage').fill('60');
  await calc.getByTestId('sizing-apply').click();
  assert.match(await text(calc.getByTestId('sizing-error')), /The replay writes at most 2 MB in the page/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('in Chinese the calculator reads in Chinese', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=backlog-sizing&seed=7&lang=zh-CN');
  await waitForApp(page);
  const calc = page.getByTestId('sizing-calculator');
  assert.match(await text(calc), /为断线估算积压缓冲区大小/);
  assert.match(await text(calc.getByTestId('sizing-formula')), /^repl-backlog-size = 4,000 B\/s × 10 s × 2 = 80,000 字节/);
  assert.deepEqual(errors, []);
  await page.close();
});
