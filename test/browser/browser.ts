/*
 * The shared harness of the browser tests: Debian's Chromium (never a downloaded browser) driven
 * by playwright-core, a phone-sized page, an optional fake camera playing a Y4M file, and
 * screenshots written to artifacts/screenshots/ (kept by CI). Like the PostgreSQL tests: in CI a
 * missing browser fails the run; elsewhere the browser tests are left out with a warning.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { expectNoSeriousViolations } from './axe.js';

/** Debian's Chromium (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The viewport of the phones the apps are designed for. */
export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;

/** The smaller phone every screen must work on too. */
export const SMALL_PHONE_VIEWPORT = { width: 360, height: 740 } as const;

/** Where screenshots go (gitignored; a CI artefact). */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'artifacts', 'screenshots');

/**
 * Whether the browser tests run here. With CI=true a missing browser throws (a failure, never a
 * skip); on a developer's machine without one they are left out with a warning.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true')
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: CI needs it (apt-get install -y chromium)`,
    );
  console.warn(`Chromium not found at ${CHROMIUM_PATH}: leaving the browser tests out`);
  return false;
}

export const BROWSER_AVAILABLE: boolean = browserAvailable();

/** How to launch. */
export interface LaunchOptions {
  /** A Y4M file the fake camera plays (see y4m.ts); without it, Chromium's test pattern. */
  readonly fakeCamera?: string;
}

/** Launches headless Chromium with the flags every browser test uses. */
export function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
  ];
  if (options.fakeCamera !== undefined)
    args.push(`--use-file-for-fake-video-capture=${options.fakeCamera}`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}

/** A page as on a phone: 390×844, Chinese, China's time zone, the camera allowed. */
export async function newPhonePage(
  browser: Browser,
  options: {
    readonly origin?: string;
    readonly locale?: string;
    /** The phone's screen; 390×844 by default. */
    readonly viewport?: { readonly width: number; readonly height: number };
  } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? PHONE_VIEWPORT,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: options.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(options.origin === undefined ? {} : { baseURL: options.origin }),
  });
  if (options.origin !== undefined)
    await context.grantPermissions(['camera'], { origin: options.origin });
  const page = await context.newPage();
  return { context, page };
}

/**
 * Saves a screenshot of what the page shows (the viewport) as artifacts/screenshots/NAME.png,
 * and checks the screen with axe-core (axe.ts): a finding of moderate impact or worse fails the
 * test at its end, so every screen a test photographs is held to WCAG 2.2 AA, at every size and
 * in every language it is photographed in; and so is anything standing beyond the screen's edges
 * ({@link offScreen}).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  await expectNoSeriousViolations(page, name, 'moderate');
  // Nothing cut at the screen's edges, and no sideways scroll (WCAG 1.4.10, reflow).
  expect.soft(await offScreen(page), `${name}: what stands beyond the screen's edges`).toEqual({
    scroll: 0,
    beyond: [],
  });
  return path;
}

/**
 * How far the page scrolls sideways, and the innermost elements that stand beyond the left or
 * right edge of the screen where nothing clips them (a badge pushed out by a long number): a
 * phone shows them cut, or makes the page scroll sideways.
 */
export function offScreen(page: Page): Promise<{ scroll: number; beyond: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = (e: Element) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && (r.right > width + 0.5 || r.left < -0.5);
    };
    const clipped = (e: Element) => {
      for (let a = e.parentElement; a !== null && a !== document.body; a = a.parentElement)
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      return false;
    };
    const beyond = [...document.querySelectorAll('body *')]
      .filter((e) => out(e) && !clipped(e) && ![...e.children].some(out))
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}${e.id === '' ? '' : `#${e.id}`} "${e.textContent.slice(0, 40)}"`,
      );
    return { scroll: document.documentElement.scrollWidth - width, beyond: beyond.slice(0, 5) };
  });
}

/**
 * On how many lines `part` stands, in the first text node under `selector` that holds it whole
 * (0: none does).
 */
export function linesOf(page: Page, selector: string, part: string): Promise<number> {
  return page.evaluate(
    ([where, text]) => {
      const element = document.querySelector(where);
      if (element === null) return 0;
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(text) ?? -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + text.length);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      }
      return 0;
    },
    [selector, part] as const,
  );
}

/**
 * Each match of `pattern` in the text under `selector` that stands on more than one line: a date,
 * a number or a word a line break cuts in two. Empty when each is whole.
 */
export function partsOnTwoLines(page: Page, selector: string, pattern: RegExp): Promise<string[]> {
  return page.evaluate(
    ([where, source, flags]) => {
      const cut: string[] = [];
      const root = document.querySelector(where);
      if (root === null) return [`(no ${where})`];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text !== null; text = walker.nextNode()) {
        for (const m of (text.textContent ?? '').matchAll(new RegExp(source, flags))) {
          const range = document.createRange();
          range.setStart(text, m.index);
          range.setEnd(text, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) cut.push(m[0]);
        }
      }
      return cut;
    },
    [
      selector,
      pattern.source,
      pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
    ] as const,
  );
}
