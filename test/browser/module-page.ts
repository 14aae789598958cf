/*
 * A page holding one of the apps' modules on its own, for the browser tests of a module: the
 * module and what it imports bundled by Vite (as the apps are) and put on `window[globalName]`,
 * in an https page answered by the test (WebCrypto's subtle and WebCodecs want a secure context).
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';

const ORIGIN = 'https://module.test/';

/** A new page of `browser` with `entry` (a path from the repository's root) on `window[globalName]`. */
export async function modulePage(
  browser: Browser,
  entry: string,
  globalName: string,
): Promise<Page> {
  const built = (await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: {
        entry: join(import.meta.dirname, '..', '..', entry),
        formats: ['iife'],
        name: globalName,
      },
    },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const [output] = Array.isArray(built) ? built : [built];
  const code = output?.output[0].code;
  if (code === undefined) throw new Error(`${entry}: expected a bundle, found none`);
  const page = await browser.newPage();
  await page.route(ORIGIN, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>${entry}</title>` }),
  );
  await page.goto(ORIGIN);
  await page.addScriptTag({ content: code });
  return page;
}
