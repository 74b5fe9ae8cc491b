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

/** Click Step until `testid` shows (or give up after `max` clicks); the steps it took. */
async function stepUntil(page, testid, max = 200) {
  for (let i = 0; i < max; i++) {
    if (await page.getByTestId(testid).count()) return i;
    const before = (await published(page)).step;
    await page.getByTestId('step').click();
    await page.waitForFunction((s) => window.__replscope.step !== s, before, { timeout: 10_000 }).catch(() => {});
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
  await page.waitForFunction((s) => window.__replscope.step > s, held, { timeout: 10_000 });
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
