/*
 * A driver's phone in Chromium with a licence held: signed up, bound with the code the service
 * texted, through the real-person check (the browser's fake camera), issued, and on the licence
 * page with the authority's keys and the verifier lists kept. Shared by the browser tests and
 * the browser bench.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { lastCode } from '../issuer/enrol.js';
import { insertIssuedApplication, insertLicence, syntheticLicence } from '../issuer/fixtures.js';
import type { TestService } from '../issuer/harness.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { newPhonePage } from './browser.js';

export const DRIVER_PASSWORD = 'correct-horse-battery';

let phoneSerial = 0;

/**
 * A driver of the synthetic licence `serial` (with `change` made to it) on the licence page (the
 * purpose picker shown). `browser` needs a fake camera (any picture: the check's development
 * adapter passes it).
 */
export async function driverOnLicencePage(
  service: TestService,
  browser: Browser,
  serial: number,
  change: Partial<LicenceRecord> = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const licence = { ...syntheticLicence(serial), ...change };
  await insertLicence(service.deps.db, licence, service.now(), null);
  const { context, page } = await newPhonePage(browser, { origin: service.url });
  const phone = `137${String((phoneSerial += 1)).padStart(8, '0')}`;
  await page.goto('/app/');
  await page.getByRole('button', { name: '还没有账号？注册' }).click();
  await page.fill('#sign-up #licenceNumber', licence.licenceNumber);
  await page.fill('#sign-up #name', licence.name);
  await page.fill('#sign-up #phone', phone);
  await page.fill('#sign-up #password', DRIVER_PASSWORD);
  await page.click('#sign-up button[type=submit]');
  await page.locator('#binding-code').waitFor();
  await page.fill('#binding-code #code', lastCode(service, phone));
  await page.click('#binding-code button[type=submit]');
  await page.locator('#start-check').waitFor();
  await page.click('#start-check');
  await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
  await page.click('#camera-take');
  await page.locator('#path-album').waitFor();
  const { id: driverId } = await service.deps.db.kysely
    .selectFrom('drivers')
    .select('id')
    .where('licence_number', '=', licence.licenceNumber)
    .executeTakeFirstOrThrow();
  await insertIssuedApplication(service.deps.db, driverId, licence.licenceNumber, service.now());
  await page.reload();
  await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
  await waitKept(page, 'verifierLists');
  return { context, page };
}

/** What the phone keeps under `key` in its IndexedDB store (`lz-driver`), or null. */
export function keptValue(page: Page, key: string): Promise<unknown> {
  return page.evaluate(async (k) => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = indexedDB.open('lz-driver');
      r.onsuccess = () => {
        resolve(r.result);
      };
    });
    return new Promise<unknown>((resolve) => {
      const r = db.transaction('kv').objectStore('kv').get(k);
      r.onsuccess = () => {
        resolve((r.result as unknown) ?? null);
      };
    });
  }, key);
}

/** Waits until the phone keeps `key` in its store (the authority's keys, the verifier lists). */
export async function waitKept(page: Page, key: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await keptValue(page, key)) === null) {
    if (Date.now() > until) throw new Error(`the phone kept no ${key} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
