// The page's lesson experience (issue 13): what a narration points at is highlighted, a student
// can leave a lesson to explore and resume it exactly where it was left, and "quiz me" asks before
// each PSYNC decision in free play with the engine's answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { serveDir, launch, openApp } from './harness.mjs';
import { published, waitForApp, decision, consoleCommand, link, toEnd } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Click Step until `testid` shows (or `until` holds); fails when a Step is held without it. */
async function stepUntil(page, testid, until = async () => true, max = 150) {
  for (let i = 0; i < max; i++) {
    if (await page.getByTestId(testid).count() && await until()) return i;
    const before = (await published(page)).step;
    await page.getByTestId('step').click();
    const moved = await page.waitForFunction((s) => window.__replscope.step !== s, before, { timeout: 3_000 }).then(() => true, () => false);
    if (!moved && !(await page.getByTestId(testid).count())) throw new Error(`held at step ${before} and ${testid} is not shown`);
  }
  throw new Error(`${testid} never showed`);
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core over the page as a11y.test.mjs runs it (experimental rules on: label in name). */
async function axeRules(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const rules = Object.fromEntries(window.axe.getRules(['experimental']).map((r) => [r.ruleId, { enabled: true }]));
    const r = await window.axe.run(document, { rules, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** What the page marks: [data-highlight value, the marked element's testid or panel class]. */
const marks = (page) => page.evaluate(() => [...document.querySelectorAll('[data-highlight]')].map((el) =>
  [el.dataset.highlight, el.dataset.testid ?? [...el.classList].find((c) => c.endsWith('-panel'))]));

test('a narration\'s look is highlighted while it shows, named in the panel, and unmarked after', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=short-cut-partial-resync&seed=1');
  await waitForApp(page);
  await stepUntil(page, 'lesson-continue');
  await page.getByTestId('lesson-continue').click();
  await stepUntil(page, 'predict-question');
  // `look backlog m`: the backlog panel carries the mark, and nothing else does.
  assert.match(await page.getByTestId('lesson-look').innerText(), /Look at: the backlog of m/);
  assert.deepEqual(await marks(page), [['backlog m', 'backlog-panel']]);
  assert.deepEqual(await axeRules(page), [], 'axe: a highlighted panel');
  const outline = await page.locator('.backlog-panel').evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.equal(outline, 'solid', 'a visible outline');
  await page.getByTestId('predict-continue').click();
  // Moving on to the next narration (`look card`) takes the mark off the backlog.
  await stepUntil(page, 'lesson-narration', async () => /^\+CONTINUE:/.test(await page.getByTestId('lesson-narration').innerText()));
  assert.deepEqual(await marks(page), [['card', 'decision-panel']]);
  assert.match(await page.getByTestId('lesson-look').innerText(), /the PSYNC decision card/);
  assert.deepEqual(errors, []);
});

test('leave the lesson, explore, and resume: same step, answers, score and narration', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=short-cut-partial-resync&seed=1');
  await waitForApp(page);
  await stepUntil(page, 'lesson-continue');
  await page.getByTestId('lesson-continue').click();
  await stepUntil(page, 'predict-question');
  await page.getByTestId('predict-continue').click();
  const left = await published(page);
  const narration = await page.getByTestId('lesson-narration').innerText();
  const score = await page.getByTestId('lesson-score').innerText();
  assert.match(score, /Predictions: 1 right of 1/);
  await page.getByTestId('lesson-leave').click();
  assert.match(await page.getByTestId('lesson-away').innerText(), new RegExp(`left the lesson at step ${left.step}\\b`));
  assert.equal(await page.getByTestId('lesson-narration').count(), 0);
  assert.deepEqual(await axeRules(page), [], 'axe: the lesson left');
  // Free play: the world diverges (a write typed on m, a cut link, steps).
  await consoleCommand(page, 'm', 'SET explored yes');
  await link(page, 'm', 'r1').getByTestId('cut').click();
  await page.getByTestId('step').click();
  await page.waitForTimeout(300);
  const explored = await published(page);
  assert.notEqual(explored.last_step, left.last_step, 'the exploration made a branch of its own');
  await page.getByTestId('lesson-resume').click();
  await page.waitForFunction((s) => window.__replscope.step === s, left.step, { timeout: 10_000 });
  const back = await published(page);
  assert.equal(back.last_step, left.last_step, 'the lesson\'s own run, the exploration discarded');
  assert.equal(await page.getByTestId('lesson-narration').innerText(), narration);
  assert.equal(await page.getByTestId('lesson-score').innerText(), score);
  assert.match(await page.getByTestId('predict-reveal').innerText(), /Right\./);
  assert.equal(await link(page, 'm', 'r1').getAttribute('data-state'), 'up');
  assert.deepEqual(errors, []);
});

test('quiz me in free play: asked before each PSYNC decision, revealed with the engine\'s answer, scored', async () => {
  // A lesson without questions of its own: the quiz asks.
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=full-sync&seed=1');
  await waitForApp(page);
  await page.getByTestId('quiz-switch').check();
  assert.equal(await page.evaluate(() => localStorage.getItem('replscope-quiz')), 'on', 'the switch is remembered');
  await stepUntil(page, 'predict-question');
  assert.match(await page.getByTestId('predict-question').innerText(), /r1's PSYNC get \+CONTINUE or \+FULLRESYNC/);
  assert.deepEqual(await axeRules(page), [], 'axe: the quiz asking');
  // A first sync has nothing to continue from: +CONTINUE is wrong.
  await page.getByTestId('predict-continue').click();
  assert.match(await page.getByTestId('predict-reveal').innerText(), /Not this time\. You said \+CONTINUE\..*The master answered \+FULLRESYNC: r1 asked for offset/s);
  assert.match(await page.getByTestId('lesson-score').innerText(), /Predictions: 0 right of 1/);
  const held = (await published(page)).step;
  await page.getByTestId('next-decision').click();
  await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, held, { timeout: 10_000 });
  assert.equal((await decision(page)).outcome, 'fullresync', 'the card agrees with the reveal');
  assert.deepEqual(await marks(page), [['card', 'decision-panel']], 'the reveal points at the card\'s reasons');
  // Then a short cut and a heal: asked again, answered right.
  await toEnd(page);
  await link(page, 'm', 'r1').getByTestId('cut').click();
  await consoleCommand(page, 'm', 'SET during cut');
  await link(page, 'm', 'r1').getByTestId('heal').click();
  await stepUntil(page, 'predict-question');
  await page.getByTestId('predict-continue').click();
  const reveal = await page.getByTestId('predict-reveal').innerText();
  assert.match(reveal, /Right\. You said \+CONTINUE\./);
  assert.match(await page.getByTestId('lesson-score').innerText(), /Predictions: 1 right of 2/);
  const before2 = (await published(page)).step;
  await page.getByTestId('next-decision').click();
  await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, before2, { timeout: 10_000 });
  const card = await decision(page);
  assert.equal(card.outcome, 'continue');
  assert.equal(card.continueBytes, Number(reveal.match(/sends (\d+) bytes/)[1]));
  await page.getByTestId('quiz-switch').uncheck();
  assert.deepEqual(errors, []);
});

test('await: the lesson waits for the student to cut the link, and goes on along its own run when they do', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=long-cut-backlog-overflow-full-resync&seed=1');
  await waitForApp(page);
  await stepUntil(page, 'lesson-continue');
  await page.getByTestId('lesson-continue').click();
  await stepUntil(page, 'lesson-your-turn');
  const { step, last_step } = await published(page);
  assert.match(await page.getByTestId('lesson-your-turn').innerText(), /Your turn: cut the link m ↔ r1/);
  assert.equal(await page.getByTestId('lesson-continue').innerText(), 'Do it for me');
  // Step and Play wait: the student's action is what moves the lesson on.
  await page.getByTestId('step').click();
  await page.waitForTimeout(300);
  assert.equal((await published(page)).step, step, 'Step does not pass an await');
  assert.equal(await link(page, 'm', 'r1').getAttribute('data-state'), 'up');
  await link(page, 'm', 'r1').getByTestId('cut').click();
  await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, step, { timeout: 30_000 });
  const after = await published(page);
  assert.equal(after.last_step, last_step, 'the lesson\'s own run, not a branch of it');
  assert.equal(await page.getByTestId('lesson-your-turn').count(), 0);
  await page.waitForFunction(() => document.querySelector('[data-testid=link-m-r1]')?.dataset.state === 'cut', null, { timeout: 30_000 });
  // Played on, the lesson reaches its question and its end as written.
  await stepUntil(page, 'predict-question');
  await page.getByTestId('predict-fullresync').click();
  await toEnd(page);
  assert.equal((await decision(page)).outcome, 'fullresync');
  // In Chinese, the turn is worded in Chinese.
  const zh = await openApp(browser.context, server.url, '?lesson=long-cut-backlog-overflow-full-resync&seed=1&lang=zh-CN');
  await waitForApp(zh.page);
  await stepUntil(zh.page, 'lesson-continue');
  await zh.page.getByTestId('lesson-continue').click();
  await stepUntil(zh.page, 'lesson-your-turn');
  assert.match(await zh.page.getByTestId('lesson-your-turn').innerText(), /轮到你了：\s*切断链路 m ↔ r1/);
  assert.deepEqual([...errors, ...zh.errors], []);
});

test('the timeline slider stops at the lesson\'s pause and unanswered question; a teacher\'s ?step= link does not', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=short-cut-partial-resync&seed=1');
  await waitForApp(page);
  const { last_step } = await published(page);
  const slider = page.getByTestId('timeline');
  // Dragged to the end, the slider lands on the first pause, and says so where the student looks.
  await slider.fill(String(last_step));
  await page.getByTestId('lesson-continue').waitFor();
  const atPause = (await published(page)).step;
  assert.ok(atPause > 0 && atPause < last_step, `held at the pause (step ${atPause} of ${last_step})`);
  assert.equal(await slider.inputValue(), String(atPause), 'the slider shows the step reached, not the one dragged to');
  // Dragged again without Continue: it does not move.
  await slider.fill(String(last_step));
  assert.equal((await published(page)).step, atPause);
  assert.equal(await slider.inputValue(), String(atPause));
  // Continued, the next drag stops where the question is asked, before its PSYNC is decided.
  await page.getByTestId('lesson-continue').click();
  await slider.fill(String(last_step));
  await page.getByTestId('predict-question').waitFor();
  const atQuestion = (await published(page)).step;
  assert.ok(atQuestion > atPause && atQuestion < last_step, `held at the question (step ${atQuestion})`);
  // Backward is always free.
  await slider.fill('0');
  await page.waitForFunction(() => window.__replscope.step === 0);
  assert.deepEqual(errors, []);
  // A teacher's link to a later step goes there.
  const link = await openApp(browser.context, server.url, `?lesson=short-cut-partial-resync&seed=1&step=${last_step}`);
  await waitForApp(link.page);
  assert.equal((await published(link.page)).step, last_step);
  assert.deepEqual(link.errors, []);
  await page.close();
  await link.page.close();
});
