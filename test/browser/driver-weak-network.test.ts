/*
 * The driver's app on a cheap phone and a weak network, in Chromium at 390×844 and 360×740: an
 * album photo over the upload limit made smaller on the phone (its EXIF date kept) and accepted,
 * a file that cannot be used said in words with the limit, and the camera path's picture shown
 * with 重拍 and 使用此照片 before anything is sent. Screenshots in artifacts/screenshots/.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../issuer/accounts/password.js';
import { MAX_PHOTO_BYTES } from '../../issuer/application/routes.js';
import { PHOTO_LIMITS } from '../../issuer/application/photo-limits.js';
import { insertStaff, newDriver, syntheticLicence } from '../issuer/fixtures.js';
import { startService, type TestService } from '../issuer/harness.js';
import { raw } from '../issuer/photos.js';
import { BROWSER_AVAILABLE, launchBrowser, newPhonePage, screenshot } from './browser.js';
import { encodeY4m, type RgbaImage } from './y4m.js';

const PASSWORD = 'correct-horse-battery';

/** The small phone the app must also fit. */
const SMALL_PHONE = { width: 360, height: 740 } as const;

/** An EXIF date, `YYYY:MM:DD HH:MM:SS` in China time, `days` before `nowSeconds`. */
function exifDaysAgo(nowSeconds: number, days: number): { text: string; seconds: number } {
  const seconds = nowSeconds - days * 86_400;
  const china = new Date((seconds + 8 * 3600) * 1000).toISOString();
  return { text: `${china.slice(0, 10).replaceAll('-', ':')} ${china.slice(11, 19)}`, seconds };
}

/**
 * A photo straight off a phone's camera: 3000×4000, a white background, a "person" of colour
 * noise (which no JPEG compresses), at quality 100 without chroma subsampling, with its EXIF
 * date: over the upload limit.
 */
async function bigCameraJpeg(takenAt: string): Promise<Buffer> {
  const width = 3000;
  const height = 4000;
  const pixels = Buffer.alloc(width * height * 3, 255);
  let seed = 11;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (((x - 1500) / 900) ** 2 + ((y - 2000) / 1400) ** 2 > 1) continue;
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      pixels.writeUIntBE(seed >>> 8, (y * width + x) * 3, 3);
    }
  return raw(pixels, width, height)
    .withExif({ IFD0: { Make: 'Phone', Model: 'Cheap' }, IFD2: { DateTimeOriginal: takenAt } })
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

/** A camera frame (640×480): white, a dark textured head and shoulders in its middle. */
function whiteWallFrame(): RgbaImage {
  const width = 640;
  const height = 480;
  const data = new Uint8Array(width * height * 4).fill(255);
  let seed = 7;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed >>> 24;
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const head = ((x - 320) / 80) ** 2 + ((y - 200) / 110) ** 2 <= 1;
      const shoulders = y > 330 && Math.abs(x - 320) < 160;
      if (!head && !shoulders) continue;
      const v = next() % 90;
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  return { width, height, data };
}

/** Screenshots of what the page shows at 390×844 and at 360×740. */
async function bothSizes(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await page.setViewportSize(SMALL_PHONE);
  await screenshot(page, `${name}-360`);
  await page.setViewportSize({ width: 390, height: 844 });
}

describe.skipIf(!BROWSER_AVAILABLE)("the driver's app on a weak network, in Chromium", () => {
  let service: TestService;
  let browser: Browser;
  let workDir: string;
  let serial = 9300;
  let clockSync: NodeJS.Timeout;

  beforeAll(async () => {
    service = await startService('sqlite');
    // The harness's clock stands still; here it follows the real one, as the browser's does.
    clockSync = setInterval(() => {
      service.advance(Math.floor(Date.now() / 1000) - service.now());
    }, 500);
    workDir = await mkdtemp(join(tmpdir(), 'lz-weak-'));
    const camera = join(workDir, 'white-wall.y4m');
    await writeFile(camera, encodeY4m([whiteWallFrame()], 5));
    browser = await launchBrowser({ fakeCamera: camera });
  });
  afterAll(async () => {
    clearInterval(clockSync);
    await browser.close();
    await service.close();
    await rm(workDir, { recursive: true, force: true });
  });

  /**
   * A driver whose licence is bound, signed in on a new phone: by default one who has not
   * applied yet, on the screen that offers the paths (`ready`: what to wait for instead). With
   * `notices`, that many unread notices wait in the inbox.
   */
  async function driverOnPaths(
    options: {
      readonly licence?: ReturnType<typeof syntheticLicence>;
      readonly applied?: boolean;
      readonly notices?: number;
      readonly ready?: string;
    } = {},
  ): Promise<{
    context: BrowserContext;
    page: Page;
    driverId: number;
    photoPosts: () => Promise<{ bytes: number; type: string }[]>;
  }> {
    serial += 1;
    const driver = await newDriver(service, options.licence ?? syntheticLicence(serial), {
      applied: options.applied ?? false,
    });
    for (let i = 0; i < (options.notices ?? 0); i++)
      await service.deps.db.kysely
        .insertInto('inbox')
        .values({
          driver_id: driver.driverId,
          at: service.now() - 60 * ((options.notices ?? 0) - i),
          kind: 'application.rejected',
          title: '电子驾驶证申领未通过审核',
          body: `照片未通过审核，原因是照片模糊（第 ${i + 1} 张）。请在“亮证”中点“重新提交照片”。`,
          read_at: null,
        })
        .execute();
    await service.deps.db.kysely
      .updateTable('drivers')
      .set({ password_hash: await hashPassword(PASSWORD) })
      .where('id', '=', driver.driverId)
      .execute();
    const { context, page } = await newPhonePage(browser, { origin: service.url });
    // What the app sends as the photo: its fetch watched from inside the page (the browser
    // does not hand a Blob body to the test).
    await page.addInitScript(() => {
      const posts: { bytes: number; type: string }[] = [];
      Object.assign(window, { photoPosts: posts });
      const original = window.fetch.bind(window);
      window.fetch = (input, init) => {
        const url =
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (url.endsWith('/api/me/application/photo') && init?.body instanceof Blob)
          posts.push({
            bytes: init.body.size,
            type: new Headers(init.headers).get('content-type') ?? '',
          });
        return original(input, init);
      };
    });
    const photoPosts = () =>
      page.evaluate(
        () => (window as unknown as { photoPosts: { bytes: number; type: string }[] }).photoPosts,
      );
    await page.goto('/app/');
    await page.fill('#sign-in #licenceNumber', driver.licence.licenceNumber);
    await page.fill('#sign-in #password', PASSWORD);
    await page.click('#sign-in button[type=submit]');
    await page.locator(options.ready ?? '#path-album').waitFor({ timeout: 20_000 });
    return { context, page, driverId: driver.driverId, photoPosts };
  }

  /** The driver's latest application as stored: its state and the pre-check's report. */
  async function stored(driverId: number) {
    const row = await service.deps.db.kysely
      .selectFrom('applications')
      .select(['state', 'precheck'])
      .where('driver_id', '=', driverId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return {
      state: row.state,
      precheck: row.precheck === null ? null : (JSON.parse(row.precheck) as unknown),
    };
  }

  it('when the browser holds a staff session (the console, signed in on the same origin), then the driver’s app asks a driver to sign in, saying why, instead of a driver’s screen that refuses everything', async () => {
    const username = `admin-${serial++}`;
    const password = 'staff password for the console';
    await insertStaff(service.deps.db, service.now(), {
      username,
      role: 'admin',
      passwordHash: await hashPassword(password),
    });
    const { context, page } = await newPhonePage(browser, { origin: service.url });
    try {
      // Signed in to the console first, in the same browser.
      await page.goto('/console/');
      await page.fill('#username', username);
      await page.fill('#password', password);
      await page.click('#sign-in button[type=submit]');
      await page.locator('#sign-in').waitFor({ state: 'detached', timeout: 20_000 });
      await page.goto('/app/');
      await page.locator('#sign-in').waitFor({ timeout: 20_000 });
      expect(await page.textContent('#main .notice')).toBe(
        '此浏览器已登录工作人员账号，不能用于亮证。驾驶人请用自己的驾驶证号登录。',
      );
      await screenshot(page, 'app-weak-staff-session');
    } finally {
      await context.close();
    }
  });

  it('when the album photo is over the upload limit, then the phone sends a smaller JPEG with its date, and it is accepted', async () => {
    const taken = exifDaysAgo(service.now(), 10);
    const big = await bigCameraJpeg(taken.text);
    expect(big.length).toBeGreaterThan(MAX_PHOTO_BYTES);
    const file = join(workDir, 'big.jpg');
    await writeFile(file, big);
    const { context, page, driverId, photoPosts } = await driverOnPaths();
    await page.click('#path-album');
    await page.locator('#album-input').waitFor({ state: 'attached' });
    await page.setInputFiles('#album-input', file);
    // The photo as it will be sent, shown first: nothing goes to review until 使用此照片, and
    // 重新选择 offers the album again.
    await page.locator('#picture-check').waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('#picture-taken')?.naturalWidth ?? 0) === 960,
    );
    expect(await page.locator('#picture-check button').allTextContents()).toEqual([
      '使用此照片',
      '重新选择',
    ]);
    await bothSizes(page, 'app-weak-01-album-photo-check');
    expect(await photoPosts()).toEqual([]);
    await page.click('#picture-again');
    await page.locator('#open-album').waitFor();
    expect(await photoPosts()).toEqual([]);
    expect((await stored(driverId)).state).toBe('draft');
    // Opened again later: the application says which way it is on, and 继续 goes on with it.
    await page.reload();
    await page.locator('#draft-path').waitFor({ timeout: 20_000 });
    expect(await page.textContent('#application-state .state-title')).toBe('请提交照片');
    expect(await page.textContent('#draft-path')).toBe('申领方式：从相册选择证件照（需人工审核）');
    await page.getByRole('button', { name: '继续', exact: true }).click();
    await page.locator('#album-input').waitFor({ state: 'attached' });
    await page.setInputFiles('#album-input', file);
    await page.click('#picture-use');
    await page.locator('#application-state').waitFor({ timeout: 30_000 });
    expect(await page.textContent('#application-state .state-title')).toBe(
      '照片已提交，等待交警审核',
    );
    const posts = await photoPosts();
    expect(posts).toHaveLength(1);
    const [sent] = posts;
    expect(sent?.type).toBe('image/jpeg');
    expect(sent?.bytes).toBeGreaterThan(PHOTO_LIMITS.minBytes);
    expect(sent?.bytes).toBeLessThanOrEqual(PHOTO_LIMITS.maxBytes);
    expect(sent?.bytes).toBeLessThan(big.length / 4);
    expect(await stored(driverId)).toEqual({
      state: 'submitted',
      precheck: { width: 960, height: 1280, takenAt: taken.seconds },
    });
    await bothSizes(page, 'app-weak-01-big-photo-submitted');
    await context.close();
  }, 60_000);

  it('when the big album photo is older than six months, then its carried EXIF date still has it turned away by the pre-check, in words', async () => {
    const file = join(workDir, 'old-big.jpg');
    await writeFile(file, await bigCameraJpeg(exifDaysAgo(service.now(), 400).text));
    const { context, page, driverId, photoPosts } = await driverOnPaths();
    await page.click('#path-album');
    await page.setInputFiles('#album-input', file);
    await page.click('#picture-use');
    await page.locator('#precheck-failures').waitFor({ timeout: 30_000 });
    expect(await page.locator('#precheck-failures li').allTextContents()).toEqual([
      '须为近 6 个月内拍摄的照片',
    ]);
    expect(await photoPosts()).toHaveLength(1);
    expect((await stored(driverId)).state).toBe('draft');
    await context.close();
  }, 60_000);

  it('when a file over the limit cannot be read on the phone, then nothing is sent and the app says so with the limit, never a code', async () => {
    const bytes = Buffer.alloc(7 * 1024 * 1024, 0x5a);
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    const file = join(workDir, 'broken.jpg');
    await writeFile(file, bytes);
    const { context, page, photoPosts } = await driverOnPaths();
    await page.click('#path-album');
    await page.setInputFiles('#album-input', file);
    await page.locator('#photo-unusable').waitFor();
    expect(await page.textContent('#photo-unusable')).toBe(
      '这张照片（7.0 MB）无法在手机上读取，不能压缩后上传。请选择 JPEG 或 PNG 格式、不超过 5 MB 的照片。',
    );
    expect(await page.textContent('main')).not.toMatch(/ERR_|HTTP_\d/);
    expect(await photoPosts()).toEqual([]);
    // The album is offered again at once.
    expect(await page.isVisible('#open-album')).toBe(true);
    await bothSizes(page, 'app-weak-02-photo-unusable');
    await context.close();
  });

  it('when the driver takes a picture, then it is shown with 重拍 and 使用此照片, nothing is sent until 使用此照片, and a retake opens the camera again', async () => {
    const { context, page, driverId, photoPosts } = await driverOnPaths();
    await page.click('#path-camera');
    await page.click('#open-camera');
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await page.click('#camera-take');
    await page.locator('#picture-check').waitFor();
    await page.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('#picture-taken')?.naturalWidth ?? 0) === 600,
    );
    expect(await page.locator('#picture-check button').allTextContents()).toEqual([
      '使用此照片',
      '重拍',
    ]);
    // Both buttons in view without scrolling, on the small phone too.
    for (const size of [{ width: 390, height: 844 }, SMALL_PHONE]) {
      await page.setViewportSize(size);
      expect(await page.locator('#picture-use').isVisible()).toBe(true);
      const box = await page.locator('#picture-again').boundingBox();
      expect((box?.y ?? Infinity) + (box?.height ?? 0)).toBeLessThanOrEqual(size.height);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await bothSizes(page, 'app-weak-03-picture-check');
    expect(await photoPosts()).toEqual([]);

    await page.click('#picture-again');
    await page.locator('#camera-take').waitFor();
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    expect(await photoPosts()).toEqual([]);
    await page.click('#camera-take');
    await page.locator('#picture-check').waitFor();
    await page.click('#picture-use');
    await page.locator('#application-state').waitFor({ timeout: 20_000 });
    expect(await page.textContent('#application-state .state-title')).toBe(
      '照片已提交，等待交警审核',
    );
    expect((await photoPosts()).map((p) => p.type)).toEqual(['image/jpeg']);
    expect(await stored(driverId)).toMatchObject({
      state: 'submitted',
      precheck: { width: 600, height: 800 },
    });
    await context.close();
  }, 60_000);

  it('when the licence is suspended, then the app says why and what the driver can do, and where, on both phone sizes', async () => {
    serial += 1;
    const licence = { ...syntheticLicence(serial), status: 'D' as const };
    const { context, page } = await driverOnPaths({ licence, ready: '#licence-not-usable' });
    expect({
      refusal: await page.textContent('#licence-not-usable'),
      title: await page.textContent('#licence-advice h3'),
      advice: await page.textContent('#advice-text'),
      office: await page.textContent('#advice-authority'),
      paths: await page.locator('.paths button').count(),
    }).toEqual({
      refusal: '驾驶证当前状态不能申领电子驾驶证（已暂扣）',
      title: '怎么办',
      advice:
        '暂扣期满后，请携带身份证明到作出暂扣决定的公安交通管理部门领回驾驶证；办妥后即可在此申领电子驾驶证。',
      office: `发证机关：${licence.issuingAuthority}`,
      paths: 0,
    });
    await bothSizes(page, 'app-weak-04-suspended-advice');
    await page.click('#language');
    expect(await page.textContent('#advice-text')).toBe(
      'When the suspension ends, take your ID to the traffic police office that suspended the licence to collect it; once that is done, apply here for the e\u2011licence.',
    );
    await context.close();
  });

  it('when notices are unread, then 消息 shows how many, and none once the inbox has been read', async () => {
    const { context, page } = await driverOnPaths({ notices: 2 });
    await expect.poll(() => page.textContent('#unread-count')).toBe('2');
    // What a screen reader says of the button: its visible word, then the count in words.
    const inboxNamed = (name: string) =>
      page.getByRole('button', { name, exact: true }).getAttribute('id');
    expect({
      visible: await page.isVisible('#unread-count'),
      name: await inboxNamed('消息 2 条未读'),
    }).toEqual({ visible: true, name: 'open-inbox' });
    await bothSizes(page, 'app-weak-05-unread');
    await page.click('#language');
    await expect.poll(() => inboxNamed('Inbox 2 unread')).toBe('open-inbox');
    await bothSizes(page, 'app-weak-05-unread-en');
    await page.click('#language');
    await page.click('#open-inbox');
    await page.locator('#inbox').waitFor();
    await bothSizes(page, 'app-weak-07-inbox');
    await expect.poll(() => page.isVisible('#unread-count')).toBe(false);
    expect(await inboxNamed('消息')).toBe('open-inbox');
    await page.reload();
    await page.locator('#open-inbox').waitFor();
    await page.waitForTimeout(500);
    expect(await page.isVisible('#unread-count')).toBe(false);
    await context.close();
  });

  it('when the driver taps the QR code, then a new code is made at once and the countdown starts again', async () => {
    const { context, page } = await driverOnPaths({ applied: true, ready: '#purpose-picker' });
    // The countdown as it reads when each code is put on the canvas: it comes with the code, not
    // after the first code is noted in the phone's record (an IndexedDB write, slow on a cheap
    // phone), which left it empty until then.
    await page.evaluate(() => {
      const seen: (string | null)[] = [];
      Object.assign(window, { countdownAtCode: seen });
      new MutationObserver(() => {
        seen.push(document.querySelector('#qr-countdown')?.textContent ?? null);
      }).observe(document.body, { subtree: true, attributeFilter: ['data-presentation'] });
    });
    await page.click('#purpose-police');
    const qr = page.locator('#qr[data-presentation]');
    await qr.waitFor({ timeout: 20_000 });
    const first = await qr.getAttribute('data-presentation');
    expect(
      await page.evaluate(
        () => (window as unknown as { countdownAtCode: string[] }).countdownAtCode,
      ),
    ).toEqual([expect.stringMatching(/^(30|29) 秒后刷新$/)]);
    expect(await page.textContent('.qr-countdown')).toMatch(
      /^(30|29) 秒后刷新 · 点二维码可立即刷新$/,
    );
    // A few seconds on, the countdown is lower; a tap makes a new code and starts it again.
    await expect
      .poll(() => page.textContent('#qr-countdown'), { timeout: 10_000 })
      .toBe('27 秒后刷新');
    expect(await page.getAttribute('#qr-refresh', 'aria-label')).toBe('出示码，点击立即刷新');
    await page.click('#qr-refresh');
    await expect.poll(() => qr.getAttribute('data-presentation')).not.toBe(first);
    expect(await page.textContent('#qr-countdown')).toMatch(/^(30|29) 秒后刷新$/);
    await bothSizes(page, 'app-weak-06-qr-tap');
    await context.close();
  }, 60_000);
});
