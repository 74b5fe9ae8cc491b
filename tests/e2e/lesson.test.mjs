// A narrated lesson (issue 13): the narration follows the steps, a pause waits for Continue,
// the page asks for a prediction before the PSYNC decision and will not step past it until
// answered, and the reveal shows the engine's answer, which the decision card agrees with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDir, launch, openApp } from './harness.mjs';
import { published, waitForApp, decision } from './app.mjs';

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Click Step until `testid` shows; fails at once when a Step is held without it showing. */
async function stepUntil(page, testid, max = 200) {
  for (let i = 0; i < max; i++) {
    if (await page.getByTestId(testid).count()) return i;
    const before = (await published(page)).step;
    await page.getByTestId('step').click();
    const moved = await page.waitForFunction((s) => window.__replscope.step !== s, before, { timeout: 3_000 }).then(() => true, () => false);
    if (!moved && !(await page.getByTestId(testid).count())) throw new Error(`held at step ${before} and ${testid} is not shown`);
  }
  throw new Error(`${testid} never showed`);
}

/** A Step click that must not move the lesson. */
async function stepIsHeld(page) {
  const before = (await published(page)).step;
  await page.getByTestId('step').click();
  await page.waitForTimeout(300);
  assert.equal((await published(page)).step, before, 'the lesson waits');
}

test('the short-cut lesson narrates, pauses, asks before the PSYNC and reveals the engine\'s answer', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=short-cut-partial-resync&seed=1');
  await waitForApp(page);
  await stepUntil(page, 'lesson-continue');
  assert.match(await page.getByTestId('lesson-narration').innerText(), /its offset is 54/);
  await stepIsHeld(page);
  await page.getByTestId('lesson-continue').click();
  await stepUntil(page, 'predict-question');
  assert.match(await page.getByTestId('predict-question').innerText(), /r1's PSYNC get \+CONTINUE or \+FULLRESYNC/);
  await stepIsHeld(page);
  // A wrong prediction: the reveal says so and shows what the master decided.
  await page.getByTestId('predict-fullresync').click();
  const reveal = await page.getByTestId('predict-reveal').innerText();
  assert.match(reveal, /Not this time\. You said \+FULLRESYNC\./);
  const [, outcome, asked, sent] = reveal.match(/The master answered (\+\w+): r1 asked for offset (\d+), and the master sends (\d+) bytes/);
  assert.match(await page.getByTestId('lesson-score').innerText(), /Predictions: 0 right of 1/);
  // Run to the decision itself: the card agrees with every figure of the reveal.
  const held = (await published(page)).step;
  await page.getByTestId('next-decision').click();
  await page.waitForFunction((s) => window.__replscope.step > s && !window.__replscope.walking, held, { timeout: 10_000 });
  assert.match(await page.getByTestId('predict-reveal').innerText(), /The master answered/, 'the reveal stays beside the card');
  const card = await decision(page);
  assert.equal(card.outcome, outcome === '+CONTINUE' ? 'continue' : 'fullresync');
  assert.equal(card.asked, Number(asked));
  assert.equal(card.continueBytes, Number(sent));
  assert.deepEqual(errors, []);
});

test('a right prediction is scored, and the lesson speaks 简体中文 with ?lang=zh-CN', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=short-cut-partial-resync&seed=1&lang=zh-CN');
  await waitForApp(page);
  await stepUntil(page, 'lesson-continue');
  assert.match(await page.getByTestId('lesson-narration').innerText(), /它的偏移量是 54/);
  await page.getByTestId('lesson-continue').click();
  await stepUntil(page, 'predict-question');
  await page.getByTestId('predict-continue').click();
  assert.match(await page.getByTestId('predict-reveal').innerText(), /答对了。/);
  assert.match(await page.getByTestId('lesson-score').innerText(), /1 次中答对 1 次/);
  assert.deepEqual(errors, []);
});

test('the first-sync lesson corrects the articles\' PSYNC ? -1 and its run shows the correction', async () => {
  const { page, errors } = await openApp(browser.context, server.url, '?lesson=first-full-sync&seed=1');
  await waitForApp(page);
  await stepUntil(page, 'lesson-continue');
  await page.getByTestId('lesson-continue').click();
  await stepUntil(page, 'predict-question');
  await page.getByTestId('predict-fullresync').click();
  assert.match(await page.getByTestId('predict-reveal').innerText(), /Right\..*r1 asked for offset 1\b/s);
  await stepUntil(page, 'article-correction');
  const card = await page.getByTestId('article-correction').innerText();
  assert.match(card, /The article says: .*PSYNC \? -1/);
  assert.match(card, /Redis 7\.0 does: .*PSYNC <its own replid> <its offset \+ 1>/);
  // The run on screen is the proof: the decision card shows r1 asking from offset 1, with a
  // replid of its own, and the master answering +FULLRESYNC.
  const d = await decision(page);
  assert.equal(d.outcome, 'fullresync');
  assert.equal(d.asked, 1);
  assert.notEqual(d.askedReplid, null, 'a replid, not "?"');
  assert.deepEqual(errors, []);
});
