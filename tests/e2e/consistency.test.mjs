// Issue 12, "numbers that disagree" and "numbers without their meaning": what a student reads
// in one place must agree with what they read in another, and a number comes with its meaning.
// Every assertion reads text on screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDir, launch, openApp, OUT } from './harness.mjs';
import { waitForApp, toEnd, scrubTo, consoleCommand, link, published } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const card = (page) => page.getByTestId('decision-card');

/** A screenshot of one panel part (what the README shows), into tests/e2e/out/. */
async function shot(locator, name) {
  fs.mkdirSync(OUT, { recursive: true });
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: path.join(OUT, `${name}.png`) });
}
const text = async (loc) => (await loc.innerText()).replace(/\s+/g, ' ').trim();

/** The +FULLRESYNC lines the sequence diagram shows, as their exact bytes (opened rows). */
async function fullresyncBytes(page) {
  const rows = page.locator('.seq-item', { hasText: '+FULLRESYNC' });
  const out = [];
  for (let i = 0; i < await rows.count(); i++) {
    const row = rows.nth(i);
    await row.locator('summary').click();
    out.push((await row.getByTestId('resp-bytes').innerText()).split('\n')[0]);
  }
  return out;
}

test('+FULLRESYNC: the card shows the offset of the bytes that crossed, and both moments', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=backlog-overrun&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const reply = await text(card(page).getByTestId('reply-line'));
  const m = reply.match(/^\+FULLRESYNC ([0-9a-f]{4})… (\d+)$/);
  assert.ok(m, `the card shows the reply line: ${reply}`);
  // The last +FULLRESYNC that crossed the wire, escaped as redis-cli shows it.
  const wire = (await fullresyncBytes(page)).at(-1);
  const w = wire.match(/^"?\+FULLRESYNC ([0-9a-f]{40}) (\d+)\\r\\n"?$/);
  assert.ok(w, `exact bytes of the reply: ${wire}`);
  assert.equal(m[1], w[1].slice(0, 4), 'same replid');
  assert.equal(m[2], w[2], 'the card and the wire agree on the offset');
  // The decision moment and the reply moment are both named, with their own offsets.
  const moment = await text(card(page).getByTestId('fullresync-moment'));
  const mm = moment.match(/^Decided at step (\d+) \(master_repl_offset (\d+)\); written at step (\d+), when the RDB child started, with the offset of that moment: (\d+)/);
  assert.ok(mm, moment);
  assert.equal(mm[4], w[2]);
  assert.ok(Number(mm[3]) > Number(mm[1]), 'the reply went out after the decision');
  if (mm[2] !== mm[4]) assert.match(moment, new RegExp(`\\(${Number(mm[4]) - Number(mm[2])} bytes written meanwhile\\)`));
  // Which check failed and by how much.
  const arithmetic = await text(card(page).getByTestId('psync-arithmetic'));
  const a = arithmetic.match(/^Asks for byte (\d+), but the backlog's oldest byte is (\d+): (\d+) bytes of what it needs were overwritten\.$/);
  assert.ok(a, arithmetic);
  assert.equal(Number(a[2]) - Number(a[1]), Number(a[3]));
  // The backlog strip numbers its markers and says them in words, with the numbers above.
  const legend = await page.getByTestId('backlog-m').getByTestId('strip-legend').locator('li').allInnerTexts();
  const first = await page.getByTestId('backlog-m').getAttribute('data-first-byte');
  const histlen = await page.getByTestId('backlog-m').getAttribute('data-histlen');
  assert.deepEqual(legend.map((t) => t.replace(/\s+/g, ' ').trim()),
    [`1 first byte ${first}`, `2 write head ${Number(first) + Number(histlen)}`, `3 asked ${a[1]}`]);
  await shot(card(page), '20-decision-fullresync');
  await shot(page.getByTestId('backlog-m'), '22-backlog-overrun');
  assert.deepEqual(errors, []);
});

test('+FULLRESYNC before the RDB child starts says it is not written yet', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=backlog-overrun&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const moment = await text(card(page).getByTestId('fullresync-moment'));
  const [, decided, , written] = moment.match(/Decided at step (\d+) \(master_repl_offset (\d+)\); written at step (\d+)/).map(Number);
  if (written > decided) {
    await scrubTo(page, decided);
    assert.match(await text(card(page).getByTestId('reply-line')), /^\+FULLRESYNC \(not written yet: it goes out when the RDB child starts\)$/);
    assert.match(await text(card(page).getByTestId('fullresync-moment')), /The reply is not written yet/);
  }
  assert.deepEqual(errors, []);
});

test('the backlog window has one notation, the same numbers on the card and in the panel', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=partial-resync&seed=7');
  await waitForApp(page);
  // The lesson's first decision is the first full sync; the +CONTINUE comes after the heal.
  for (let i = 0; i < 5 && await card(page).getAttribute('data-outcome') !== 'continue'; i++) {
    const s = (await published(page)).step;
    await page.getByTestId('next-decision').click();
    await page.waitForFunction((x) => window.__replscope.step > x && !window.__replscope.walking, s, { timeout: 30_000 });
  }
  assert.equal(await card(page).getAttribute('data-outcome'), 'continue');
  const cardText = await text(card(page));
  const cw = cardText.match(/window (\[\d+, \d+\])/);
  assert.ok(cw, cardText);
  assert.equal(await text(page.getByTestId('backlog-m').getByTestId('ring-window')), cw[1]);
  // The why-sentence uses the same notation, and nothing on the page writes a half-open one.
  assert.ok(cardText.includes(`inside the backlog window ${cw[1]}`), cardText);
  assert.equal(/\[\d+, \d+\)/.test(await page.locator('main, body').first().innerText()), false);
  // Explained once, as a tooltip on the word "window".
  assert.match(await page.getByTestId('backlog-m').locator('abbr', { hasText: 'window' }).getAttribute('title'), /offsets a replica may ask for/);
  // The arithmetic: has N bytes → asks for N+1; sends M − asked + 1.
  const arith = await text(card(page).getByTestId('psync-arithmetic'));
  const a = arith.match(/has (\d+) bytes → asks for byte (\d+); the master has written (\d+) → sends \3 − \2 \+ 1 = (\d+) bytes\.$/);
  assert.ok(a, arith);
  assert.equal(Number(a[1]) + 1, Number(a[2]));
  assert.equal(Number(a[3]) - Number(a[2]) + 1, Number(a[4]));
  assert.match(cardText, new RegExp(`\\(${a[4]} bytes of backlog\\)`), 'the same count as the +CONTINUE line');
  await shot(card(page), '21-decision-continue');
  assert.deepEqual(errors, []);
});

test('a replica restarted without an RDB is described as having no replication history', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  // r1 is told to replicate, then stopped before any sync (no RDB written) and restarted: its
  // config keeps replicaof, it has no history, so it asks PSYNC ? -1.
  const scenario = 'node m\nnode r1\nr1> REPLICAOF m\nstop r1\nrestart r1\nsettle\n';
  await page.getByTestId('import').setInputFiles({ name: 'restart.scn', mimeType: 'text/plain', buffer: Buffer.from(scenario) });
  await page.waitForFunction(() => window.__replscope.step === 0, null, { timeout: 30_000 });
  await page.getByTestId('next-decision').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.rule === 'NoHistory', null, { timeout: 30_000 });
  const t = await text(card(page));
  assert.match(t, /no replication history \(a fresh node, or restarted with no RDB holding repl-id\/repl-offset\), so it asks PSYNC \? -1/);
  assert.equal(t.includes('never synced'), false);
  assert.deepEqual(errors, []);
});

test('the network row and master_link_status are named apart; a stopped end is not drawn up', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  // At the decision r1 is mid-handshake: its master link is down while the network is up.
  await page.getByTestId('next-decision').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.outcome !== 'none', null, { timeout: 30_000 });
  const r1 = page.getByTestId('node-r1');
  assert.match(await text(r1.getByTestId('master-link-status')), /^· master_link_status: down \([A-Z_]+\)$/);
  assert.match(await text(link(page, 'm', 'r1').getByTestId('link-words')), /^network m ↔ r1: up · 1 TCP connection · \d+ in flight · \d+ ms$/);
  assert.equal(await page.locator('.topology-svg text', { hasText: 'link down' }).count(), 0);
  assert.equal(await page.locator('.topology-svg .node-link-down').innerHTML(), 'master_link_status: down');
  // Settled: up on both.
  await toEnd(page);
  assert.equal(await text(r1.getByTestId('master-link-status')), '· master_link_status: up');
  // Stop r1: the row names the stopped end, the drawing stops calling the link up.
  await r1.getByTestId('stop').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=node-r1]')?.dataset.role === 'stopped', null, { timeout: 30_000 });
  // Stop is SIGTERM: r1's process is gone at once, its half-closed connection still carries
  // its last bytes and FIN; once the master has read them and closed its end, none is left.
  assert.match(await text(link(page, 'm', 'r1').getByTestId('link-words')),
    /^network m ↔ r1: up · r1 stopped: no process, (0 TCP connections|1 TCP connection closing \(its last bytes and FIN in flight\))$/);
  const words = link(page, 'm', 'r1').getByTestId('link-words');
  for (let i = 0; i < 20 && !/0 TCP connections$/.test(await text(words)); i++) {
    const before = (await published(page)).step;
    await page.getByTestId('step').click();
    await page.waitForFunction((b) => window.__replscope?.step !== b || document.querySelector('.notice'), before, { timeout: 30_000 }).catch(() => {});
  }
  assert.match(await text(words), /^network m ↔ r1: up · r1 stopped: no process, 0 TCP connections$/);
  assert.equal(await page.locator('.topology-svg .link.link-endpoint-stopped').count(), 1);
  assert.equal(await page.locator('.topology-svg .link.link-endpoint-stopped .link-state').innerHTML(), 'node stopped');
  assert.deepEqual(errors, []);
});

test('INFO server run_id is not the replid, and a restart draws a new one', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  await toEnd(page);
  const field = async (node, section, name) => {
    await consoleCommand(page, node, `INFO ${section}`);
    const out = page.locator(`.console-out[aria-label="${node} console output"] li`).last();
    // A console command's reply arrives as the world runs: play until it is there.
    if (await page.getByTestId('play').count()) await page.getByTestId('play').click();
    await page.waitForFunction(([n, f]) => {
      const li = [...document.querySelectorAll(`.console-out[aria-label="${n} console output"] li`)].at(-1);
      return li && li.querySelector('.reply:not(.pending)') && li.innerText.includes(f + ':');
    }, [node, name], { timeout: 30_000 });
    if (await page.getByTestId('pause').count()) await page.getByTestId('pause').click();
    return (await out.innerText()).match(new RegExp(`${name}:([0-9a-f]+)`))[1];
  };
  const runId = await field('m', 'server', 'run_id');
  const replid = await field('m', 'replication', 'master_replid');
  assert.equal(runId.length, 40);
  assert.notEqual(runId, replid);
  const r1RunId = await field('r1', 'server', 'run_id');
  const r1Replid = await field('r1', 'replication', 'master_replid');
  assert.equal(r1Replid, replid, 'the replica shares the master replid (its history)…');
  assert.notEqual(r1RunId, runId, '…but not its run_id (its process)');
  // Restart r1: a new process, a new run_id.
  await page.getByTestId('node-r1').getByTestId('stop').click();
  await page.getByTestId('node-r1').getByTestId('restart').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=node-r1]')?.dataset.role !== 'stopped', null, { timeout: 30_000 });
  const again = await field('r1', 'server', 'run_id');
  assert.notEqual(again, r1RunId);
  assert.deepEqual(errors, []);
});
