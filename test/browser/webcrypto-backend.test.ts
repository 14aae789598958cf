/*
 * verifier/backends/webcrypto.ts in Chromium, whose WebCrypto Ed25519 (BoringSSL) is the one
 * the police app uses: every case of the Ed25519 vector files answers as the node backend
 * (OpenSSL) answers, import failures included, through `run` (WebCrypto's answers) and through
 * verifyOnce; the same in one run of all the cases of a file.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLicenceError } from '../../shared/errors.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { FILES, type SignatureCase } from '../helpers/ed25519-vectors.js';
import { BROWSER_AVAILABLE, launchBrowser } from './browser.js';
import { modulePage } from './module-page.js';

/** What a backend made of a case: valid, invalid, or the code of its refusal of the key. */
function nodeOutcome(c: SignatureCase): string {
  try {
    return nodeBackend.verify(nodeBackend.importPublicKey(c.publicKey), c.message, c.signature)
      ? 'valid'
      : 'invalid';
  } catch (error) {
    return `key rejected: ${isLicenceError(error) ? error.code : String(error)}`;
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The cases of a file as the page takes them. */
const inPage = (cases: readonly SignatureCase[]) =>
  cases.map((c) => ({
    publicKey: hex(c.publicKey),
    message: hex(c.message),
    signature: hex(c.signature),
  }));

describe.skipIf(!BROWSER_AVAILABLE)('the WebCrypto backend in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await modulePage(browser, 'verifier/backends/webcrypto.ts', 'webCryptoModule');
  }, 60_000);

  afterAll(async () => {
    await browser.close();
  });

  /** Each case's outcome in Chromium: `each` one run a case (and verifyOnce), or all in one run. */
  function chromium(cases: readonly SignatureCase[], each: boolean) {
    return page.evaluate(
      async ({ cases, each }) => {
        type Module = typeof import('../../verifier/backends/webcrypto.js');
        const { webCryptoBackend } = (window as unknown as { webCryptoModule: Module })
          .webCryptoModule;
        const web = await webCryptoBackend();
        const bytes = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
        const outcome = (c: (typeof cases)[number], once: boolean) => {
          try {
            const key = bytes(c.publicKey);
            const ok = once
              ? web.verifyOnce(key, bytes(c.message), bytes(c.signature))
              : web.verify(web.importPublicKey(key), bytes(c.message), bytes(c.signature));
            return ok ? 'valid' : 'invalid';
          } catch (error) {
            const code = (error as { code?: unknown }).code;
            return `key rejected: ${typeof code === 'string' ? code : String(error)}`;
          }
        };
        if (!each)
          return {
            native: web.native,
            all: await web.run(() => cases.map((c) => outcome(c, false))),
          };
        const one: string[] = [];
        const once: string[] = [];
        for (const c of cases) {
          one.push(await web.run(() => outcome(c, false)));
          once.push(await web.run(() => outcome(c, true)));
        }
        return { native: web.native, one, once };
      },
      { cases: inPage(cases), each },
    );
  }

  for (const file of FILES) {
    it(`when every case of ${file.name} is verified in a run of its own, then Chromium answers as the node backend, verifyOnce too`, async () => {
      const expected = file.cases.map(nodeOutcome);
      expect(await chromium(file.cases, true)).toEqual({
        native: true,
        one: expected,
        once: expected,
      });
    });

    it(`when all the cases of ${file.name} are verified in one run, then each answers as on the node backend`, async () => {
      expect(await chromium(file.cases, false)).toEqual({
        native: true,
        all: file.cases.map(nodeOutcome),
      });
    });
  }
});
