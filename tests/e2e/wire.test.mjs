// The page's wire, end to end: stepping a lesson sends every node-to-node message through the
// page's MessagePorts (window.__replscope.wire tallies what came out of them), and each row of
// the sequence diagram opens to the exact RESP bytes that crossed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp, screenshot } from './harness.mjs';
import { published, waitForApp, decision, respCommand } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Undo the sequence diagram's redis-cli quoting (one RESP line per row). */
function unescape(text) {
  return text.split('\n').join('').replace(/\\(x[0-9a-f]{2}|.)/g, (_, e) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    return { r: '\r', n: '\n', t: '\t', a: '\x07', b: '\b' }[e] ?? e;
  });
}

test('stepping carries each message over the MessagePorts, and a row opens to its exact bytes', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=7');
  await waitForApp(page);
  assert.equal((await published(page)).step, 0);

  // Step (the toolbar's button) until the master has decided the replica's PSYNC.
  for (let i = 0; i < 80 && (await decision(page)).outcome === 'none'; i++) {
    const before = (await published(page)).step;
    await page.getByTestId('step').click();
    await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, before, { timeout: 10_000 });
  }
  const d = await decision(page);
  assert.equal(d.outcome, 'fullresync', d.text);

  // The Messages list follows the current step: scrolled to its newest rows.
  const scroll = await page.locator('ol.seq-list').evaluate((ol) => ({ top: ol.scrollTop, client: ol.clientHeight, height: ol.scrollHeight }));
  assert.ok(scroll.height <= scroll.client || scroll.top + scroll.client >= scroll.height - 2, JSON.stringify(scroll));

  // What came out of the ports is what the sequence diagram shows as delivered, message for message.
  const now = await published(page);
  // Every message counts here, heartbeats too (a lesson hides them by default).
  if (await page.getByTestId('hide-heartbeats').isChecked()) await page.getByTestId('hide-heartbeats').uncheck();
  const rows = page.locator('li.seq-item:not(.seq-state):not(.seq-note)');
  const shown = await rows.count();
  const carried = now.wire.reduce((sum, w) => sum + w.messages, 0);
  assert.ok(shown > 0 && shown < 60, `rows shown: ${shown}`);
  assert.equal(carried, shown, `ports carried ${carried} messages, the diagram shows ${shown}`);
  assert.ok(now.wire.some((w) => w.from === 'r1' && w.to === 'm') && now.wire.some((w) => w.from === 'm' && w.to === 'r1'),
    JSON.stringify(now.wire));

  // The PSYNC row opens to the bytes the replica sent: a RESP array whose offset is the one
  // the decision card says was asked.
  // A row's accessible name is its own text (step, then the message in words).
  const psync = page.locator('li.seq-item', { has: page.locator('summary', { hasText: /: PSYNC / }) }).first();
  await psync.locator('summary').click();
  const bytes = unescape(await psync.getByTestId('resp-bytes').innerText());
  const m = bytes.match(/^\*3\r\n\$5\r\nPSYNC\r\n\$40\r\n([0-9a-f]{40})\r\n\$\d+\r\n(\d+)\r\n$/);
  assert.ok(m, `not a PSYNC command: ${JSON.stringify(bytes)}`);
  assert.equal(bytes, respCommand('PSYNC', m[1], m[2]));
  assert.equal(Number(m[2]), d.asked, `the offset on the wire is the one the master weighed: ${d.text}`);
  assert.ok(d.askedReplid && m[1].startsWith(d.askedReplid), `the replid on the wire is the one the card shows: ${d.text}`);
  await psync.scrollIntoViewIfNeeded();
  await screenshot(page, '07-message-bytes');
  assert.deepEqual(errors, []);
});
