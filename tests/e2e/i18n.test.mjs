// The page in English and 简体中文: `?lang=zh-CN` shows no English UI word (Redis's own names,
// the data the lesson writes and the language switch's "English" excepted), `<html lang>`
// follows the language, the switch changes it and the choice survives a reload, the browser's
// language is used when nothing else says, and the glossary shows both languages side by side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, screenshot } from './harness.mjs';
import { waitForApp, toEnd, published } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// Words allowed in the Chinese page: Redis names written in lower case (INFO's `slave` role,
// `up`/`down` of master_link_status, the `replid` field, `histlen`), the brands, the Esc key's cap, the switch's own name for English, units, and what
// the full-sync lesson writes (`SET greeting hello`, `SET foo bar`).
const ALLOWED = new Set(['Redis', 'Esc', 'slave', 'replid', 'histlen', 'omem', 'up', 'down', 'ReplScope', 'English', 'ms', 'KB', 'MB', 'foo', 'bar', 'greeting', 'hello']);

/** The English words on screen outside Redis output (code, RESP bytes, INFO, keys, consoles). */
async function englishWords(page) {
  const text = await page.evaluate(() => {
    // Redis's own text: code, RESP bytes, INFO, keys, consoles, a message's command on its arrow.
    const skip = 'code, pre, dl.info, .key-table, .keyspace, .console-out, .arrow-label, option, svg title, script, style';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const out = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest(skip) || !el.checkVisibility()) continue;
      out.push(n.textContent);
    }
    return out.join(' ');
  });
  // Compound names are Redis's (repl-backlog-size, master_repl_offset, role:slave, key:1, a.scn).
  const words = text.replace(/[A-Za-z0-9]+(?:[-_:.][A-Za-z0-9]+)+/g, ' ').match(/[A-Za-z]{2,}/g) ?? [];
  // Redis commands, replies and states are upper case (PSYNC, +FULLRESYNC, RDB, CONNECTED).
  // Short replication ids are hex (`5ebd…`).
  return [...new Set(words.filter((w) => w !== w.toUpperCase() && !ALLOWED.has(w) && !/^[0-9a-f]+$/.test(w)))];
}

async function fresh(query, locale) {
  const page = await browser.context.newPage();
  if (locale) await page.addInitScript((l) => Object.defineProperty(navigator, 'languages', { get: () => [l] }), locale);
  await page.goto(server.url + query);
  await waitForApp(page);
  return page;
}

test('?lang=zh-CN: <html lang> is zh-CN and no English UI word is visible, through a whole lesson', async () => {
  const page = await fresh('?lesson=full-sync&seed=7&lang=zh-CN');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal((await published(page)).lang, 'zh-CN');
  assert.deepEqual(await englishWords(page), [], 'English on load');
  await page.getByTestId('next-decision').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.outcome === 'fullresync',
    null, { timeout: 30_000 });
  assert.match(await page.getByTestId('decision-card').innerText(), /全量同步/);
  assert.deepEqual(await englishWords(page), [], 'English at the PSYNC decision');
  await screenshot(page, 'i18n-zh-decision');
  await toEnd(page);
  await page.getByTestId('node-r1').locator('button.node-select').click();
  await page.locator('.seq-item details summary').first().click();
  assert.deepEqual(await englishWords(page), [], 'English at the end of the lesson, r1 inspected, a message open');
  await page.getByTestId('help').click();
  assert.deepEqual(await englishWords(page), [], 'English in the help');
  await page.close();
});

test('the English page, for contrast, is caught by the same check', async () => {
  const page = await fresh('?lesson=full-sync&seed=7&lang=en');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  const words = await englishWords(page);
  assert.ok(words.includes('Play') && words.includes('Topology'), `the check sees English words: ${words.slice(0, 10)}`);
  await page.close();
});

test('the switch changes the language at once and the choice is remembered; ?lang= wins over it', async () => {
  const page = await fresh('?lesson=full-sync&seed=7', 'en-US');
  await page.evaluate(() => localStorage.removeItem('replscope-lang'));
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.getByTestId('play').innerText(), 'Play');
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.equal(await page.getByTestId('play').innerText(), '播放');
  assert.equal(await page.locator('#h-topology').innerText(), '拓扑');
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN', 'the choice survives a reload');
  await page.goto(server.url + '?lesson=full-sync&lang=en');
  await waitForApp(page);
  assert.equal(await page.getByTestId('play').innerText(), 'Play', '?lang= wins over the stored choice');
  await page.evaluate(() => localStorage.removeItem('replscope-lang'));
  await page.close();
});

test("the browser's language is used when neither ?lang= nor a choice says", async () => {
  const page = await fresh('?lesson=full-sync&seed=7', 'zh-CN');
  await page.evaluate(() => localStorage.removeItem('replscope-lang'));
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.getByTestId('play').innerText(), '播放');
  await page.close();
});

test('the glossary is one click away and pairs the English and Chinese words', async () => {
  const page = await fresh('?lesson=full-sync&seed=7&lang=zh-CN');
  await page.getByTestId('glossary').click();
  const overlay = page.getByTestId('glossary-overlay');
  await overlay.waitFor({ state: 'visible' });
  const rows = await overlay.locator('tbody tr').allInnerTexts();
  const row = (en) => rows.find((r) => r.startsWith(en)) ?? '';
  assert.match(row('partial resync'), /增量同步/);
  assert.match(row('full resync'), /全量同步/);
  assert.match(row('replication backlog'), /复制积压缓冲区/);
  assert.match(row('replication ID'), /运行 ID（run_id/, 'the replid row says it is not the run ID');
  await screenshot(page, 'i18n-zh-glossary');
  await page.keyboard.press('Escape');
  await overlay.waitFor({ state: 'hidden' });
  await page.close();
});
