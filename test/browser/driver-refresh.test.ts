/*
 * The driver's app refreshes its credential in the background each time the licence page is
 * drawn, and draws the page again when something new came: that second drawing must not refresh
 * again. Here the service's clock stands still, so every credential it signs is no newer than the
 * licence's last change and each request signs a new one, as a service whose clock is behind
 * would. And a page drawn again while its code is still being made leaves nothing running behind.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../issuer/harness.js';
import { BROWSER_AVAILABLE, launchBrowser } from './browser.js';
import { driverOnLicencePage } from './driver-phone.js';

describe.skipIf(!BROWSER_AVAILABLE)("the driver's app's background refresh, in Chromium", () => {
  let service: TestService;
  let browser: Browser;

  beforeAll(async () => {
    service = await startService('sqlite');
    // Chromium's test pattern is picture enough for the real-person check's development adapter.
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
    await service.close();
  });

  it('when each refresh brings a new credential, then the page is drawn again with it once and the phone asks the service once per opening, not over and over', async () => {
    const { context, page } = await driverOnLicencePage(service, browser, 9800);
    try {
      // Away from the app first: a refresh the set-up's page still had in flight is not counted
      // (CI under load once counted one, sent as the page reloaded).
      await page.goto('about:blank');
      const asked: string[] = [];
      page.on('request', (request) => {
        if (
          request.method() === 'POST' &&
          /\/api\/me\/devices\/\d+\/credential$/.test(request.url())
        )
          asked.push(request.url());
      });
      await page.goto('/app/');
      await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
      await expect.poll(() => asked.length, { timeout: 10_000 }).toBe(1);
      // Long enough for a loop to show itself: each round is a few requests on loopback.
      await page.waitForTimeout(3000);
      expect(asked).toHaveLength(1);
      expect(await page.locator('#purpose-picker').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('when the page is drawn again while the code picked is being made, then only the code on screen runs: one wake lock held, and none once the code is put away', async () => {
    const { context, page } = await driverOnLicencePage(service, browser, 9801);
    try {
      // Every screen wake lock the page asks for, to count those never released. Each is
      // granted 300 ms after it is asked for, as on a slow phone: a code put away meanwhile must
      // let go of the lock it is then granted.
      await context.addInitScript(() => {
        const locks: { released: boolean }[] = [];
        Object.assign(window, { __lzLocks: locks });
        Object.defineProperty(navigator, 'wakeLock', {
          value: {
            request: () =>
              new Promise((resolve) => {
                setTimeout(() => {
                  const lock = {
                    released: false,
                    release: () => {
                      lock.released = true;
                      return Promise.resolve();
                    },
                  };
                  locks.push(lock);
                  resolve(lock);
                }, 300);
              }),
          },
        });
      });
      await page.reload();
      await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
      const held = () =>
        page.evaluate(
          () =>
            (window as unknown as { __lzLocks: { released: boolean }[] }).__lzLocks.filter(
              (l) => !l.released,
            ).length,
        );
      // The tap and the network's change in one task: the page is drawn again while the first
      // code is still being signed.
      await page.evaluate(() => {
        document.querySelector<HTMLButtonElement>('#purpose-police')?.click();
        window.dispatchEvent(new Event('offline'));
      });
      await page.locator('#qr[data-presentation]').waitFor({ timeout: 20_000 });
      await expect.poll(held, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      // Time for a code left behind to take a lock of its own.
      await page.waitForTimeout(1500);
      expect(await held()).toBe(1);
      await page.click('#change-purpose');
      await page.locator('#purpose-picker').waitFor();
      await expect.poll(held).toBe(0);
    } finally {
      await context.close();
    }
  });
});
