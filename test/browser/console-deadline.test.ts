/*
 * The reviewers' console in Chromium with the service's clock frozen on Thursday 2026-12-31,
 * past which chinese-days knows no holidays: the deadline of a submission that day is shown
 * with its mark in words, 暂定（节假日安排未公布）, in the queue and on the application, and in
 * English after one tap. Then more applications than the queue lists: it says how many wait and
 * how many are overdue.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../issuer/accounts/password.js';
import { newDriver, syntheticLicence, uploadPhoto } from '../issuer/fixtures.js';
import { startService, type TestService } from '../issuer/harness.js';
import { portraitJpeg } from '../issuer/photos.js';
import { BROWSER_AVAILABLE, launchBrowser, newPhonePage, screenshot } from './browser.js';

const PASSWORD = 'correct-horse-battery';

describe.skipIf(!BROWSER_AVAILABLE)('a provisional deadline in the console', () => {
  let service: TestService;
  let browser: Browser;

  beforeAll(async () => {
    service = await startService('sqlite', {
      now: Date.parse('2026-12-31T10:00:00+08:00') / 1000,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
    await service.close();
  });

  it('when a photo was submitted on 2026-12-31, then the queue and the application mark its deadline provisional, in Chinese and in English', async () => {
    const driver = await newDriver(service, syntheticLicence(32_000), { applied: false });
    await driver.http.post('/api/me/application', { path: 'album' });
    expect((await uploadPhoto(service.url, driver, await portraitJpeg(255))).status).toBe(200);
    const username = `reviewer-${randomBytes(3).toString('hex')}`;
    await service.deps.db.kysely
      .insertInto('staff')
      .values({
        username,
        role: 'reviewer',
        password_hash: await hashPassword(PASSWORD),
        created_at: service.now(),
      })
      .execute();

    const { context, page } = await newPhonePage(browser, { origin: service.url });
    try {
      await page.goto('/console/');
      await page.fill('#username', username);
      await page.fill('#password', PASSWORD);
      await page.click('#sign-in button[type=submit]');
      await page.locator('#queue').waitFor();
      expect(await page.locator('#queue .entry-deadline').allTextContents()).toEqual([
        '截止 2027-01-01 23:59 · 暂定（节假日安排未公布）',
      ]);
      expect(await page.textContent('#queue-counts')).toBe('共 1 件待审核');
      await screenshot(page, 'console-05-provisional-queue');
      await page.click('#queue .entry');
      await page.locator('#detail-deadline').waitFor();
      expect(await page.textContent('#detail-deadline')).toBe(
        '2027-01-01 23:59 · 暂定（节假日安排未公布）',
      );
      await screenshot(page, 'console-06-provisional-application');
      await page.click('#language');
      await expect
        .poll(() => page.textContent('#detail-deadline'))
        .toBe('2027-01-01 23:59 · provisional (holiday schedule not yet published)');

      // More than the queue lists, 200 of them past their deadline: it says so, above the 200
      // with the nearest deadlines (all overdue: the driver's own, not yet due, is not listed).
      const now = service.now();
      await service.deps.db.kysely
        .insertInto('applications')
        .values(
          Array.from({ length: 200 }, () => ({
            driver_id: driver.driverId,
            licence_number: driver.licence.licenceNumber,
            path: 'album' as const,
            state: 'submitted' as const,
            submitted_at: now - 3 * 86400,
            deadline: now - 86400,
            created_at: now - 3 * 86400,
            updated_at: now - 3 * 86400,
          })),
        )
        .execute();
      await page.click('#back');
      await expect
        .poll(() => page.textContent('#queue-counts'))
        .toBe(
          '201 waiting in all · 200 of them overdue · the 200 with the nearest deadlines are listed',
        );
      expect(await page.locator('#queue .entry.overdue').count()).toBe(200);
      await page.setViewportSize({ width: 320, height: 640 });
      await screenshot(page, 'console-07-queue-counts-320-en');
      await page.click('#language');
      await expect
        .poll(() => page.textContent('#queue-counts'))
        .toBe('共 201 件待审核 · 其中 200 件已超期 · 下面列出期限最近的 200 件');
    } finally {
      await context.close();
    }
  });
});
