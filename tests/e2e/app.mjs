// Page helpers for ReplScope's end-to-end tests: drive the controls by their data-testids and
// read the numbers the app publishes on window.__replscope.
export const published = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.__replscope)));

export async function waitForApp(page) {
  await page.getByTestId('app').waitFor({ state: 'visible', timeout: 60_000 });
  await page.waitForFunction(() => window.__replscope && window.__replscope.snapshot, null, { timeout: 60_000 });
}

/** Scrub the timeline to `step` (a range input: set its value and fire input/change). */
export async function scrubTo(page, step) {
  await page.getByTestId('timeline').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, step);
  await page.waitForFunction((s) => window.__replscope.step === s, step, { timeout: 30_000 });
}

/**
 * Walk a lesson to its end with the slider, as a student who keeps dragging it would: the
 * slider stops at each pause (Continue is pressed) and each unanswered question (the first
 * answer is given), so what is reached is the end the lesson leads to.
 */
export async function lessonToEnd(page) {
  for (let i = 0; i < 100; i++) {
    const { step, last_step } = await published(page);
    if (step === last_step) return last_step;
    await page.getByTestId('timeline').evaluate((el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, last_step);
    await page.waitForFunction(() => true);
    const cont = page.getByTestId('lesson-continue');
    const ask = page.getByTestId('predict-question');
    if (await cont.count()) await cont.click();
    else if (await ask.count()) await ask.getByRole('button').first().click();
  }
  throw new Error('the lesson never reached its end');
}

/** Jump to the end of what has been played (the lesson's settled state). */
export async function toEnd(page) {
  const { last_step } = await published(page);
  await scrubTo(page, last_step);
  return last_step;
}

export async function consoleCommand(page, node, line) {
  const tab = page.getByTestId(`console-tab-${node}`);
  if (await tab.count()) await tab.click();
  const input = page.getByTestId(`console-${node}`);
  await input.fill(line);
  await input.press('Enter');
}

/** Types a command into a node's console and waits for what the user waits for: its reply
 * shown under it, and the page done running to it (the step then is where the answer is). */
export async function consoleAnswer(page, node, line) {
  await consoleCommand(page, node, line);
  const last = page.getByTestId(`console-out-${node}`).locator('li').last();
  await page.waitForFunction(
    ([n, l]) => {
      const items = document.querySelectorAll(`[data-testid=console-out-${n}] li`);
      const li = items[items.length - 1];
      return li && li.querySelector('.cmd')?.textContent.endsWith(l) && li.querySelector('.reply:not(.pending)') && !window.__replscope.walking;
    },
    [node, line],
    { timeout: 30_000 },
  );
  return (await last.locator('.reply').innerText()).trim();
}

export const link = (page, a, b) => page.getByTestId(`link-${a}-${b}`);

/** The decision card's numbers, read from its text (what a student reads). */
export async function decision(page) {
  const card = page.getByTestId('decision-card');
  const text = await card.innerText();
  const num = (re) => { const m = text.match(re); return m ? Number(m[1]) : null; };
  return {
    outcome: await card.getAttribute('data-outcome'),
    rule: await card.getAttribute('data-rule'),
    text,
    // An offset, not a replid that happens to start with digits ("asked 4010… · replid …").
    asked: num(/asked (\d+)(?![\da-f…])/),
    askedReplid: (text.match(/asked ([0-9a-f]{4})…/) ?? [])[1] ?? null,
    masterReplOffset: num(/master_repl_offset (\d+)/),
    continueBytes: num(/\((\d+) bytes of backlog\)/),
  };
}

/** The RESP encoding of a command, as the replication stream carries it. */
export function respCommand(...args) {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
}
