/*
 * The driver's app refreshes its credential in the background each time the licence page is
 * drawn, and draws the page again when something new came: that second drawing must not refresh
 * again. Here the service's clock stands still, so every credential it signs is no newer than the
 * licence's last change and each request signs a new one, as a service whose clock is behind
 * would. And a page drawn again while its code is still being made leaves nothing running behind.
 * And a licence past its validity date: there a service of its own, whose clock the phone follows,
 * is three days on.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../issuer/harness.js';
import { BROWSER_AVAILABLE, launchBrowser, linesOf, screenshot } from './browser.js';
import { DRIVER_PASSWORD, driverOnLicencePage } from './driver-phone.js';
import { chinaDate } from '../../shared/china-time.js';
import { syntheticLicence } from '../issuer/fixtures.js';

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

  describe('once the e-licence has run out, on a service whose clock the phone follows', () => {
    const DAY = 86_400;
    let clocked: TestService;
    beforeAll(async () => {
      // The phone sets its clock by the service's Date header: here it follows the service's.
      clocked = await startService('sqlite', { dateFromClock: true });
    });
    afterAll(async () => {
      await clocked.close();
    });

    /** On how many lines `part` of the text of `selector` stands (0: not there). */
    /** What the code area says instead of a code, and whether a code or the picker is there. */
    const words = async (page: Page) => [
      await page.textContent('#qr-expired'),
      await page.textContent('#advice-text'),
      await page.textContent('#advice-authority'),
      await page.locator('#qr, #purpose-picker').count(),
    ];

    /** Screenshots at 390×844 and 360×740, in Chinese and in English; back to 390 and Chinese. */
    async function shots(page: Page, name: string): Promise<void> {
      for (const lang of ['', '-en']) {
        if (lang !== '') await page.click('#language');
        await page.setViewportSize({ width: 390, height: 844 });
        await screenshot(page, `${name}${lang}`);
        await page.setViewportSize({ width: 360, height: 740 });
        await screenshot(page, `${name}-360${lang}`);
      }
      await page.click('#language');
      await page.setViewportSize({ width: 390, height: 844 });
    }

    /** Signs in again: days on, the session has ended. */
    async function signInAgain(page: Page, licenceNumber: string): Promise<void> {
      await page.getByRole('button', { name: '登录已过期，请重新登录' }).click();
      await page.fill('#sign-in #licenceNumber', licenceNumber);
      await page.fill('#sign-in #password', DRIVER_PASSWORD);
      await page.click('#sign-in button[type=submit]');
    }

    it('when the licence passes its validity date, then the phone says so and how to renew, online and offline, with no code; once renewed, the code is back', async () => {
      const validTo = chinaDate(new Date((clocked.now() + DAY) * 1000));
      const { context, page } = await driverOnLicencePage(clocked, browser, 9802, { validTo });
      const licence = syntheticLicence(9802);
      const expected = [
        `驾驶证已超过有效期限（有效期至 ${validTo}），电子驾驶证不能出示。`,
        '请携带身份证明和县级以上医院出具的《机动车驾驶人身体条件证明》，到任一车辆管理所（或在交管12123 上）申请换证；办妥后联网打开本应用，电子驾驶证即可恢复出示。',
        `发证机关：${licence.issuingAuthority}`,
        0,
      ];
      clocked.advance(3 * DAY);
      try {
        // Online: the service's time says the credential has run out, and it signs no new one.
        await page.reload();
        await page.locator('#advice-text').waitFor({ timeout: 20_000 });
        expect(await words(page)).toEqual(expected);
        // The date is not cut at a hyphen (2026- / 12-08), at 390 px and at 360.
        expect(await linesOf(page, '#qr-expired', validTo)).toBe(1);
        await page.setViewportSize({ width: 360, height: 740 });
        expect(await linesOf(page, '#qr-expired', validTo)).toBe(1);
        await shots(page, 'app-16b-licence-past-its-date');
        // Offline: the same, from the phone's own copy.
        await context.setOffline(true);
        await page.reload();
        await page.locator('#advice-text').waitFor({ timeout: 20_000 });
        expect(await words(page)).toEqual(expected);
        // Renewed at the office: the registry holds the new dates, and online the code is back.
        await clocked.deps.db.kysely
          .updateTable('licences')
          .set({
            record: JSON.stringify({ ...licence, validTo: '2032-12-01' }),
            version: 2,
            updated_at: clocked.now(),
          })
          .where('licence_number', '=', licence.licenceNumber)
          .execute();
        await context.setOffline(false);
        await page.reload();
        await signInAgain(page, licence.licenceNumber);
        await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
        expect(await page.locator('#qr-expired, #licence-advice').count()).toBe(0);
      } finally {
        await context.close();
      }
    });

    it('when the licence is suspended and the e-licence runs out meanwhile, then the phone says the licence is suspended and what to do, not "connect to refresh"; once the suspension is lifted, the code is back', async () => {
      const { context, page } = await driverOnLicencePage(clocked, browser, 9803);
      const licence = syntheticLicence(9803);
      await clocked.deps.db.kysely
        .updateTable('licences')
        .set({
          record: JSON.stringify({ ...licence, status: 'D' }),
          status: 'D',
          version: 2,
          updated_at: clocked.now(),
        })
        .where('licence_number', '=', licence.licenceNumber)
        .execute();
      clocked.advance(31 * DAY); // past the e-licence's 30 days
      try {
        await page.reload();
        await signInAgain(page, licence.licenceNumber);
        await page.locator('#advice-text').waitFor({ timeout: 20_000 });
        expect(await words(page)).toEqual([
          '驾驶证状态：已暂扣，电子驾驶证不能出示。',
          '暂扣期满后，请携带身份证明到作出暂扣决定的公安交通管理部门领回驾驶证；办妥后联网打开本应用，电子驾驶证即可恢复出示。',
          `发证机关：${licence.issuingAuthority}`,
          0,
        ]);
        await shots(page, 'app-16c-suspended-run-out');
        // In English, at phone widths, "e-licence" is one word (its hyphen non-breaking): never
        // "the e-" at the end of a line and "licence" on the next.
        await page.click('#language');
        for (const [width, height] of [
          [390, 844],
          [360, 740],
        ] as const) {
          await page.setViewportSize({ width, height });
          expect(await page.textContent('#qr-expired')).toBe(
            'Licence status: suspended; the e\u2011licence cannot be shown.',
          );
          expect(await linesOf(page, '#qr-expired', 'e\u2011licence')).toBe(1);
        }
        expect(await page.textContent('#advice-text')).toBe(
          'When the suspension ends, take your ID to the traffic police office that suspended the licence to collect it; once that is done, open this app online and the e\u2011licence can be shown again.',
        );
        await page.click('#language');
        // As the words say: the suspension lifted, the app opened online shows the code again.
        await clocked.deps.db.kysely
          .updateTable('licences')
          .set({
            record: JSON.stringify(licence),
            status: 'A',
            version: 3,
            updated_at: clocked.now(),
          })
          .where('licence_number', '=', licence.licenceNumber)
          .execute();
        await page.reload();
        await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
        expect(await page.locator('#qr-expired, #licence-advice').count()).toBe(0);
      } finally {
        await context.close();
      }
    });
  });
});
