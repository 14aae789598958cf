/*
 * A driver's phone whose clock is off (set by hand, or with no network time) makes codes that a
 * checker whose clock is right takes: a verifier accepts a code only within seconds of its own
 * clock, so the app makes codes by the service's time, learnt from its answers, and keeps the
 * difference for when the phone is offline (issuer/web/app/phone-clock.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBackend } from '../../verifier/backends/node.js';
import { createTrustStore, type TrustStore } from '../../verifier/trust-store.js';
import { verifyPresentation } from '../../verifier/verify-presentation.js';
import { startService, type TestService } from '../issuer/harness.js';
import { BROWSER_AVAILABLE, launchBrowser, screenshot } from './browser.js';
import { driverOnLicencePage } from './driver-phone.js';

/** A page script that sets the phone's clock `skewMs` off (Date only; timers run as they do). */
function clockOff(skewMs: number): string {
  return `(() => {
    const Real = Date;
    class Off extends Real {
      constructor(...a) { if (a.length === 0) super(Real.now() + ${skewMs}); else super(...a); }
      static now() { return Real.now() + ${skewMs}; }
    }
    globalThis.Date = Off;
  })();`;
}

describe.skipIf(!BROWSER_AVAILABLE)(
  "the driver's app on a phone whose clock is off, in Chromium",
  () => {
    let service: TestService;
    let browser: Browser;
    let trust: TrustStore;

    beforeAll(async () => {
      service = await startService('sqlite');
      browser = await launchBrowser();
      const jwks: unknown = await (
        await fetch(new URL('/.well-known/jwks.json', service.url))
      ).json();
      trust = createTrustStore([jwks], nodeBackend);
    });
    afterAll(async () => {
      await browser.close();
      await service.close();
    });

    /** The police code the phone shows now, verified by a checker whose clock is right. */
    async function policeCodeVerified(page: Page) {
      await page.click('#purpose-police');
      const qr = page.locator('#qr[data-presentation]');
      await qr.waitFor({ timeout: 20_000 });
      const text = (await qr.getAttribute('data-presentation')) ?? '';
      const now = new Date();
      const report = verifyPresentation(text, { trust, now });
      return { report, ageSeconds: Math.floor(now.getTime() / 1000) - (report.proof?.iat ?? NaN) };
    }

    it.each([
      ['5 minutes behind', -300_000, 9860],
      ['2 minutes ahead', 120_000, 9861],
    ])(
      'when the phone clock is %s, then its codes are made by the service time and verify, online and then offline',
      async (_how, skewMs, serial) => {
        const { context, page } = await driverOnLicencePage(service, browser, serial);
        try {
          await context.addInitScript(clockOff(skewMs));
          // The licence page drawn again on the phone's clock, and its refresh answered.
          await Promise.all([
            page.waitForResponse((r) => new URL(r.url()).pathname === '/api/me/licence'),
            page.reload(),
          ]);
          const phoneOff = (await page.evaluate(() => Date.now())) - Date.now();
          expect(Math.abs(phoneOff - skewMs)).toBeLessThan(2000);

          const online = await policeCodeVerified(page);
          expect([online.report.valid, online.report.code]).toEqual([true, undefined]);
          expect(online.report.checks.find((c) => c.id === 'proof_freshness')?.status).toBe(
            'PASSED',
          );
          expect(Math.abs(online.ageSeconds)).toBeLessThanOrEqual(3);
          await screenshot(page, `app-clock-off-${skewMs < 0 ? 'behind' : 'ahead'}`);

          // Offline, the page opened again from the phone: the difference kept is used.
          await context.setOffline(true);
          await page.reload();
          await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
          const offline = await policeCodeVerified(page);
          expect([offline.report.valid, offline.report.code]).toEqual([true, undefined]);
          expect(Math.abs(offline.ageSeconds)).toBeLessThanOrEqual(3);
        } finally {
          await context.close();
        }
      },
      90_000,
    );
  },
);
