/* The police app in a test page: opened, and enrolled as an officer sets a device up. */
import type { Page } from 'playwright-core';

/**
 * Opens the police app at `/verifier/`, types `token` into 设置 → 设备令牌 and saves it, as an
 * officer does; resolves once the device is enrolled, with 设置 still open.
 */
export async function openEnrolled(page: Page, token: string): Promise<void> {
  await page.goto('/verifier/');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  await page.click('#open-settings');
  await page.fill('#setting-token', token);
  await page.click('#settings-save');
  await page.waitForSelector('#identity[data-state="enrolled"]', { timeout: 20_000 });
}
