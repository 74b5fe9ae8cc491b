// Accessibility audit: axe-core (the npm package, injected from node_modules) runs over the
// page in the states a student reaches — English and 简体中文, light and dark theme, a wide
// screen and a phone, the help overlay and the glossary open, a lesson's PSYNC decision shown, a message row opened — and must find no
// violation. Each violation is reported with its rule, the node and axe's own explanation, so
// a failure says what to fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { serveDir, launch } from './harness.mjs';
import { waitForApp, toEnd, consoleAnswer } from './app.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, browser;
before(async () => { server = await serveDir(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Run axe over the whole document; resolves to a readable list of violations. */
async function audit(page) {
  // Evaluated through the DevTools protocol, not added as a <script>: the page's
  // Content-Security-Policy (rightly) refuses inline scripts.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // axe's default rules (WCAG 2.x A/AA and best practices) plus its experimental ones:
    // `label-content-name-mismatch` (WCAG 2.5.3, label in name) is tagged experimental and
    // off by default. AAA rules (7:1 contrast) stay off: the page's bar is AA.
    const rules = Object.fromEntries(window.axe.getRules(['experimental']).map((r) => [r.ruleId, { enabled: true }]));
    const r = await window.axe.run(document, { rules, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      rule: v.id,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
  return violations;
}

function assertClean(violations, where) {
  const text = violations.map((v) => `${v.rule} (${v.nodes.length}):\n  ${v.nodes.slice(0, 30).join('\n  ')}`).join('\n');
  assert.deepEqual(violations.map((v) => v.rule), [], `axe violations ${where}:\n${text}`);
}

/** A fresh page at `size` in `lang`, theme stored before the app reads it, on the full-sync lesson. */
async function open(size, theme, lang) {
  const page = await browser.context.newPage();
  await page.setViewportSize(size);
  await page.goto(server.url + `?lesson=full-sync&seed=7&lang=${lang}`);
  // The app stores its theme when it starts: let it start before overwriting the choice, or
  // a slow first load stores "system" after it (seen on the first test of a run).
  await waitForApp(page);
  await page.evaluate((t) => localStorage.setItem('replscope-theme', t), theme);
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
  return page;
}

const SIZES = { wide: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };
// English in every theme and viewport; 简体中文 in one pairing of each (the layout is the same,
// the words differ: their length, the lang attribute, the labels' names).
const RUNS = [
  ['en', 'light', 'wide'], ['en', 'light', 'phone'], ['en', 'dark', 'wide'], ['en', 'dark', 'phone'],
  ['zh-CN', 'light', 'wide'], ['zh-CN', 'dark', 'phone'],
];

for (const [lang, theme, label] of RUNS) {
  const size = SIZES[label];
  {
    test(`no axe violations: ${lang}, ${theme} theme, ${label} viewport, in every state a lesson reaches`, async () => {
      const page = await open(size, theme, lang);
      assertClean(await audit(page), `${theme}/${label} on load`);

      // The lesson's PSYNC decision on the card.
      await page.getByTestId('next-decision').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=decision-card]')?.dataset.outcome !== 'none',
        null, { timeout: 30_000 });
      assertClean(await audit(page), `${theme}/${label} after the PSYNC decision`);

      // The settled lesson with a message row opened (its exact bytes shown).
      await toEnd(page);
      const row = page.locator('.seq-item details').first();
      await row.locator('summary').click();
      assert.equal(await row.evaluate((d) => d.open), true);
      assertClean(await audit(page), `${theme}/${label} with a message row open`);

      // The eras compared (the table of each resync in 2.6, 2.8 and 4.0+).
      await page.getByTestId('era-compare').click();
      await page.getByTestId('era-table').waitFor({ state: 'visible' });
      assertClean(await audit(page), `${theme}/${label} with the eras compared`);
      // A link's custom speed open, with a refused figure's error; the backlog sizing
      // calculator with both replays shown side by side (its run then opens on the page).
      const custom = page.getByTestId('link-speed-custom').first();
      await custom.locator('summary').click();
      await custom.getByTestId('link-speed-latency').fill('-5');
      await custom.getByTestId('link-speed-bandwidth').fill('50');
      await custom.getByTestId('link-speed-set').click();
      await custom.getByTestId('link-speed-error').waitFor({ state: 'visible' });
      await page.getByTestId('sizing-apply').click();
      await page.getByTestId('sizing-compare').waitFor({ state: 'visible', timeout: 30_000 });
      assertClean(await audit(page), `${lang}/${theme}/${label} with a custom link speed refused and the sizing replays shown`);

      // The help overlay.
      await page.getByTestId('help').click();
      await page.getByTestId('help-overlay').waitFor({ state: 'visible' });
      assertClean(await audit(page), `${theme}/${label} with the help overlay open`);
      await page.getByTestId('help-close').click();

      // The glossary.
      await page.getByTestId('glossary').click();
      await page.getByTestId('glossary-overlay').waitFor({ state: 'visible' });
      assertClean(await audit(page), `${lang}/${theme}/${label} with the glossary open`);
      await page.getByTestId('glossary-close').click();

      // A reply too long to keep: the console shows its head and says how much more there is.
      await consoleAnswer(page, 'm', 'SETRANGE big 1048575 x');
      await consoleAnswer(page, 'm', 'GET big');
      await page.getByTestId('reply-cut').waitFor({ state: 'visible' });
      assertClean(await audit(page), `${lang}/${theme}/${label} with a reply cut in the console`);
      await page.close();
    });
  }
}
