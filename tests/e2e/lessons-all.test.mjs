// Every narrated lesson in the page's picker plays to its end (issue 13): each pause continued,
// each question answered with the answer its lesson file states (which the engine checked when
// the lesson ran), and the page says the lesson ended with the score. One lesson is played in
// 简体中文. Lessons are discovered from the picker, so new lesson files are played too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDir, launch, openApp, ROOT } from './harness.mjs';
import { published, waitForApp } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The outcomes a lesson file's `predict` lines state, in order (null: no file of that id). */
function predicted(id) {
  const file = path.join(ROOT, 'scenarios', `${id}.scn`);
  if (!fs.existsSync(file)) return null;
  return fs.readFileSync(file, 'utf8').split('\n').map((l) => l.match(/^predict \S+ (\+\w+)/)).filter(Boolean).map((m) => m[1]);
}

const shown = async (page, id) => (await page.getByTestId(id).count()) > 0;

/** Play the open lesson to its end; the narration texts seen and the questions answered. */
async function playToEnd(page, answers) {
  const said = new Set();
  let asked = 0;
  await page.getByTestId('speed').selectOption('32');
  for (let i = 0; i < 400; i++) {
    if (await shown(page, 'lesson-narration')) said.add(await page.getByTestId('lesson-narration').innerText());
    if (await shown(page, 'lesson-ended')) return { said, asked };
    if (await shown(page, 'lesson-continue')) {
      await page.getByTestId('lesson-continue').click();
    } else if (await shown(page, 'predict-question')) {
      const outcome = answers?.[asked] ?? '+CONTINUE';
      await page.getByTestId(outcome === '+FULLRESYNC' ? 'predict-fullresync' : 'predict-continue').click();
      asked += 1;
    } else {
      await page.getByTestId('play').click();
      await page.waitForFunction(() => !window.__replscope.playing, null, { timeout: 120_000 });
    }
  }
  throw new Error(`the lesson did not end (at step ${(await published(page)).step})`);
}

async function lessonIds(page) {
  return page.getByTestId('lesson-select').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
}

test('every narrated lesson in the picker plays to its end, every prediction right, and says so', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?seed=1');
  await waitForApp(page);
  const ids = await lessonIds(page);
  const played = [];
  for (const id of ids) {
    await page.goto(`${server.url}?lesson=${id}&seed=1`);
    await waitForApp(page);
    // A narrated lesson is one whose panel speaks (and can be left).
    if (!(await shown(page, 'lesson-leave'))) continue;
    const answers = predicted(id);
    const { said, asked } = await playToEnd(page, answers);
    const ended = await page.getByTestId('lesson-ended').innerText();
    const [, right, of] = ended.match(/End of the lesson\. Predictions: (\d+) right of (\d+)\./) ?? [];
    assert.equal(Number(of), asked, `${id}: every question asked is scored`);
    if (answers) {
      assert.equal(asked, answers.length, `${id}: each predict of the file was asked`);
      assert.equal(Number(right), asked, `${id}: the file's answers are the engine's`);
    }
    assert.ok(said.size >= 1, `${id}: it spoke`);
    played.push(id);
  }
  // Every picker entry whose scenario file speaks (`say`) was found and played.
  const speaks = (id) => { const f = path.join(ROOT, 'scenarios', `${id}.scn`); return fs.existsSync(f) && /^say /m.test(fs.readFileSync(f, 'utf8')); };
  const narrated = ids.filter(speaks);
  assert.ok(narrated.length >= 1);
  for (const id of narrated) assert.ok(played.includes(id), `${id} was played (played: ${played.join(', ')})`);
  assert.deepEqual(errors, []);
});

test('a lesson played to its end in 简体中文 speaks Chinese at every step', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=first-full-sync&seed=1&lang=zh-CN');
  await waitForApp(page);
  const { said, asked } = await playToEnd(page, predicted('first-full-sync'));
  assert.ok(said.size >= 3);
  for (const text of said) assert.match(text, /[\u4e00-\u9fff]/, `Chinese narration: ${text}`);
  assert.match(await page.getByTestId('lesson-ended').innerText(), new RegExp(`课程结束。预测：${asked} 次中答对 ${asked} 次。`));
  assert.deepEqual(errors, []);
});
