/*
 * Accessibility checks in the browser tests: axe-core (4.14) injected into the page in view and
 * run against WCAG 2.0, 2.1 and 2.2 A and AA, with the best-practice rules that make a screen
 * readable by a screen reader (landmarks, heading order) and the rule that the visible label of
 * a control is part of its accessible name. A finding names its rule, its impact and where it is.
 * And the one check axe-core cannot make: whether a keyboard user sees where the focus is.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);

/** axe-core's browser build, read once. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG levels checked: A and AA of 2.0, 2.1 and 2.2. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** How bad a finding is, in axe-core's words. */
export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

const RANK: Readonly<Record<Impact, number>> = { minor: 0, moderate: 1, serious: 2, critical: 3 };

/** One failing rule, where it fails. */
export interface Finding {
  readonly id: string;
  readonly impact: Impact;
  readonly help: string;
  /** The CSS selectors of the failing elements. */
  readonly targets: readonly string[];
}

/**
 * Runs axe-core over the page as it is now. axe-core is evaluated through the browser's
 * debugging protocol, which the apps' content security policies (their own scripts only) do not
 * govern, so any page of a test can be checked as it is served.
 * @throws {Error} when axe-core could not be loaded into the page.
 */
export async function axeFindings(page: Page): Promise<Finding[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  if (!(await page.evaluate(() => 'axe' in window)))
    throw new Error('axe-core: expected window.axe after evaluating axe.min.js, found none');
  return page.evaluate(async (tags) => {
    interface AxeResult {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[] }[];
    }
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: AxeResult[] }> };
      }
    ).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: [...tags, 'best-practice'] },
      // Experimental in axe-core, so not run by tag: WCAG 2.5.3, the visible label is part of
      // the accessible name.
      rules: { 'label-content-name-mismatch': { enabled: true } },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: (v.impact ?? 'minor') as 'minor' | 'moderate' | 'serious' | 'critical',
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  }, WCAG_TAGS);
}

/** The findings as lines: `rule (impact): help — targets`. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => `${f.id} (${f.impact}): ${f.help} — ${f.targets.join(', ')}`)
    .join('\n');
}

/**
 * Fails when the page has a finding of `atLeast` impact or worse (serious by default), listing
 * each with its rule id, impact and targets under `screenName`. The failure is soft: the test
 * goes on to its next screen and fails at its end with every screen's findings.
 */
export async function expectNoSeriousViolations(
  page: Page,
  screenName: string,
  atLeast: Impact = 'serious',
): Promise<void> {
  const findings = (await axeFindings(page)).filter((f) => RANK[f.impact] >= RANK[atLeast]);
  expect
    .soft(
      findings.length === 0 ? '' : `${screenName}:\n${describeFindings(findings)}`,
      `accessibility findings on ${screenName}`,
    )
    .toBe('');
}

/**
 * Presses Tab until `selector` has the focus (at most 40 times), then asks whether a keyboard
 * user sees where the focus is (WCAG 2.4.7): an outline on the element, or, for a control drawn
 * by its label (a file input hidden inside a label that looks like a button), on the label.
 * @returns what shows the focus and how: `label#open-album: outline solid 2px`, or `none`.
 */
export async function focusShownOn(page: Page, selector: string): Promise<string> {
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) === true, selector)) break;
  }
  return page.evaluate((s) => {
    const focused = document.activeElement;
    if (focused === null || !focused.matches(s)) return `(${s} never had the focus)`;
    const box = focused.getBoundingClientRect();
    const drawn =
      box.width > 4 && box.height > 4 && getComputedStyle(focused).opacity !== '0'
        ? focused
        : focused.closest('label');
    if (drawn === null) return 'none';
    const style = getComputedStyle(drawn);
    const name = `${drawn.tagName.toLowerCase()}${drawn.id === '' ? '' : `#${drawn.id}`}`;
    return style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0
      ? 'none'
      : `${name}: outline ${style.outlineStyle} ${style.outlineWidth}`;
  }, selector);
}
