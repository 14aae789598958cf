/*
 * The admin's side of the staff console (/console/) in Debian's Chromium at 390×844, against the
 * real service on loopback (SQLite): an admin signs in, finds a licence by the masked number the
 * lists show, opens it (the whole number shown there only) and suspends it with a reason after a
 * confirmation, and the police app (/verifier/) then reads that licence's code red, 驾驶证已暂扣.
 * Then every admin screen: the driver account unlocked, staff created (password shown once),
 * unlocked and disabled, a verifier device registered (its token as text and as a QR code whose
 * content is the token) and revoked, a registry file refused line by line in words and one
 * imported, the signing keys, the audit log filtered; no screen wider than the phone, none with
 * a raw error code. A screenshot of each in artifacts/screenshots/console-admin-*.png.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../issuer/accounts/password.js';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { rotateKey } from '../../issuer/keys/key-store.js';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { createPresentationV2 } from '../../shared/sd/presentation-v2.js';
import { REASONS, VALID } from '../../verifier/internal/messages.js';
import {
  addDevice,
  insertLicence,
  insertStaff,
  issue,
  newDriver,
  syntheticLicence,
  type IssuedBody,
  type TestDevice,
} from '../issuer/fixtures.js';
import { startService, type TestService } from '../issuer/harness.js';
import {
  BROWSER_AVAILABLE,
  launchBrowser,
  newPhonePage,
  partsOnTwoLines,
  screenshot,
} from './browser.js';

/** A date, with its time to the minute or second when it has one. */
const DATE_TIME = /\d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?/g;
/** The licence record's numbers (licence and file number) and dates. */
const RECORD_FIGURES = /[\dX]{12,18}|\d{4}-\d\d-\d\d/g;
import { decodePng, encodeY4m, qrFrame } from './y4m.js';

const jsQR = jsQRModule.default;
const PASSWORD = 'correct-horse-battery-staple';
const WRONG = 'wrong-horse-battery-staple';

describe.skipIf(!BROWSER_AVAILABLE)('the admin console in Chromium', { timeout: 180_000 }, () => {
  let service: TestService;
  let browser: Browser;
  let desk: Page;
  let work: string;
  const admin = `admin.${randomBytes(3).toString('hex')}`;
  let adminId: number;
  /** The licence the admin suspends, with a phone holding its e-licence. */
  let suspended: { licence: LicenceRecord; issued: IssuedBody; device: TestDevice };
  /** The password the console showed for the reviewer it created. */
  let createdPassword = '';
  /** Two more licences of the same region, so that the masked search has a list to pick from. */
  const region = [10_000, 10_001, 10_002].map(syntheticLicence);
  // The licence the desk opens holds two classes, given out of card order.
  region[0] = { ...(region[0] as LicenceRecord), classes: ['D', 'A2'] };

  beforeAll(async () => {
    if (VERIFIER_APP_DIR === undefined)
      throw new Error('dist/web/verifier is missing: run `npm run build` first');
    service = await startService('sqlite');
    work = await mkdtemp(join(tmpdir(), 'lz-console-admin-'));
    adminId = await insertStaff(service.deps.db, service.now(), {
      username: admin,
      role: 'admin',
      passwordHash: await hashPassword(PASSWORD),
    });
    await insertStaff(service.deps.db, service.now(), {
      username: 'reviewer.wang',
      role: 'reviewer',
      passwordHash: await hashPassword(PASSWORD),
    });
    // The licence to suspend has an account and an e-licence, issued before any status list is
    // signed (a list signed earlier would not cover its index).
    const [first, ...others] = region;
    if (first === undefined) throw new Error('no licence');
    const driver = await newDriver(service, first);
    const device = await addDevice(driver);
    suspended = { licence: first, issued: await issue(driver, device), device };
    for (const l of others) await insertLicence(service.deps.db, l, service.now());
    // A second key, made and not yet published: the keys screen shows the schedule.
    await rotateKey(service.deps.config.dataDir);
    browser = await launchBrowser();
    ({ page: desk } = await newPhonePage(browser, { origin: service.url }));
  }, 90_000);

  afterAll(async () => {
    await browser.close();
    await service.close();
    await rm(work, { recursive: true, force: true });
  });

  /** The page is no wider than the phone: nothing to scroll sideways. */
  async function expectNoSidewaysScroll(page: Page): Promise<void> {
    const [scroll, width] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      window.innerWidth,
    ]);
    expect(scroll, 'the page scrolls sideways').toBeLessThanOrEqual(width);
  }

  /** The ids or texts of the `selector` elements whose content is wider than their box. */
  function wider(page: Page, selector: string): Promise<string[]> {
    return page.$$eval(selector, (all) =>
      all
        .filter((e) => e.scrollWidth > e.clientWidth)
        .map((e) => (e.id === '' ? e.textContent : `#${e.id}`)),
    );
  }

  /** No raw code anywhere on the screen. */
  async function expectNoCode(page: Page): Promise<void> {
    expect(await page.locator('body').innerText()).not.toMatch(/\bERR_[A-Z_]+|HTTP_\d+/);
  }

  /** A screenshot of the screen in view, after the checks every screen passes. */
  async function shot(name: string): Promise<void> {
    await expectNoSidewaysScroll(desk);
    await expectNoCode(desk);
    await screenshot(desk, `console-admin-${name}`);
  }

  /**
   * Five wrong passwords under a sign-in name: it is locked for 15 minutes. In a minute of their
   * own: the service's clock stands still, and its limit counts ten sign-ins a minute per address.
   */
  async function lockOut(body: Record<string, string>): Promise<void> {
    service.advance(61);
    const client = service.client();
    for (let i = 0; i < 5; i++) await client.post('/api/session', { ...body, password: WRONG });
  }

  it('when an admin signs in, finds a licence by its masked number and suspends it with a reason, then the police app reads its code red: 驾驶证已暂扣', async () => {
    const { licence, issued, device } = suspended;
    const masked = maskLicenceNumber(licence.licenceNumber);
    await desk.goto('/console/');
    // A wrong password first: the refusal stays through a switch of language, in the other one.
    await desk.fill('#username', admin);
    await desk.fill('#password', WRONG);
    await desk.click('#sign-in button[type=submit]');
    await desk.locator('#sign-in-status .error').waitFor();
    expect(await desk.textContent('#sign-in-status .error')).toBe(
      '用户名或密码错误；再失败 4 次将暂时锁定',
    );
    await desk.click('#language');
    await expect
      .poll(() => desk.textContent('#sign-in-status'))
      .toBe('Wrong username or password; 4 more failed tries and sign-in is locked for a while');
    expect(await desk.inputValue('#username')).toBe(admin);
    await desk.click('#language');
    await expect
      .poll(() => desk.textContent('#sign-in-status'))
      .toBe('用户名或密码错误；再失败 4 次将暂时锁定');
    await desk.fill('#password', PASSWORD);
    await desk.click('#sign-in button[type=submit]');
    await desk.locator('#sections').waitFor();
    expect(await desk.locator('#sections .section').allTextContents()).toEqual([
      '照片审核',
      '驾驶证',
      '工作人员',
      '核验设备',
      '名册导入',
      '签名密钥',
      '操作日志',
    ]);
    expect(await desk.textContent('#bar h1')).toBe('亮证 · 管理');

    await desk.click('#to-licences');
    await desk.fill('#licence-query', masked);
    await desk.click('#licence-search button[type=submit]');
    await desk.locator('#licence-list').waitFor();
    expect(await desk.locator('#licence-list .entry-number').allTextContents()).toEqual([masked]);
    // A search by the region lists all three, masked; no whole number on the list.
    await desk.fill('#licence-query', licence.licenceNumber.slice(0, 6));
    await desk.click('#licence-search button[type=submit]');
    await expect.poll(() => desk.locator('#licence-list .entry-number').count()).toBe(3);
    expect(await desk.locator('#licence-list .entry-number').allTextContents()).toEqual(
      region.map((l) => maskLicenceNumber(l.licenceNumber)),
    );
    const listed = await desk.locator('#licence-results').innerText();
    for (const l of region) expect(listed).not.toContain(l.licenceNumber);
    await shot('01-licences');

    await desk.locator('#licence-list .entry').first().click();
    await desk.locator('#licence-record').waitFor();
    expect(await desk.textContent('#licence-number')).toBe(licence.licenceNumber);
    expect(await desk.textContent('#licence-name')).toBe(licence.name);
    // 准驾车型 as the card prints it, as the driver's app and the police app write it.
    expect(await desk.textContent('#licence-classes')).toBe('A2D');
    // Country and validity in words, as the two apps write them.
    expect(await desk.textContent('#licence-nationality')).toBe('中国');
    expect(await desk.textContent('#licence-validity')).toBe(
      `${licence.validFrom} 至 ${licence.validTo === 'long-term' ? '长期' : licence.validTo}`,
    );
    expect(await desk.getAttribute('#licence-status', 'data-status')).toBe('A');
    expect(await desk.locator('#licence-actions button').allTextContents()).toEqual([
      '暂扣',
      '吊销',
    ]);
    await shot('02-licence');

    // No reason: refused in words, nothing sent.
    await desk.click('#suspend');
    expect(await desk.textContent('#change-status')).toBe('请先填写原因');
    await desk.fill('#change-reason', '公安交管决定书 2026-0815 号：饮酒后驾驶');
    await desk.click('#suspend');
    const question = desk.locator('#change-status [role=alertdialog] p');
    expect(await question.textContent()).toBe(
      `确认暂扣驾驶证 ${licence.licenceNumber}？原因：公安交管决定书 2026-0815 号：饮酒后驾驶。暂扣后电子驾驶证核验显示“驾驶证已暂扣”。`,
    );
    await desk.locator('#change-status').scrollIntoViewIfNeeded();
    await shot('03-suspend-confirm');
    await desk.click('#confirm-yes');
    await desk.locator('#licence-done').waitFor();
    expect(await desk.textContent('#licence-done')).toBe('已暂扣。警务核验将显示“驾驶证已暂扣”。');
    expect(await desk.getAttribute('#licence-status', 'data-status')).toBe('D');
    expect(await desk.textContent('#licence-status')).toBe('暂扣');
    expect(await desk.locator('#licence-actions button').allTextContents()).toEqual([
      '恢复正常',
      '吊销',
    ]);
    const history = desk.locator('#status-history li').first();
    expect(await history.locator('.action').textContent()).toBe('暂扣驾驶证');
    expect(await history.locator('.details').textContent()).toBe(
      '状态：正常 → 暂扣；记分：0；有效期至：长期；原因：公安交管决定书 2026-0815 号：饮酒后驾驶',
    );
    await shot('04-suspended');

    // The police app, with that licence's code in front of its camera.
    const text = await createPresentationV2(issued.holderCopy, device.signer, { now: new Date() });
    const camera = join(work, 'suspended.y4m');
    await writeFile(camera, encodeY4m([await qrFrame(text)], 5));
    const police = await launchBrowser({ fakeCamera: camera });
    try {
      const { page } = await newPhonePage(police, { origin: service.url });
      await page.goto('/verifier/');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      await page.waitForFunction(() => Number(document.body.dataset.verdicts ?? '0') >= 1, null, {
        timeout: 20_000,
      });
      const verdict = await page.evaluate(() => ({
        tone: document.getElementById('verdict')?.getAttribute('data-tone'),
        code: document.getElementById('verdict')?.getAttribute('data-code'),
        text: document.getElementById('verdict-text')?.textContent,
      }));
      expect(verdict).toEqual({
        tone: 'invalid',
        code: 'ERR_SUSPENDED',
        text: REASONS.ERR_SUSPENDED.zh,
      });
      expect(REASONS.ERR_SUSPENDED.zh).toBe('驾驶证已暂扣');
      expect(verdict.text).not.toBe(VALID.zh);
      await screenshot(page, 'console-admin-05-police-suspended');
    } finally {
      await police.close();
    }
  });

  it('when the licence’s driver account is locked, then its detail says until when in China time, and 解锁 after a confirmation ends it', async () => {
    const { licence } = suspended;
    await lockOut({ kind: 'driver', licenceNumber: licence.licenceNumber });
    await desk.click('#back');
    await desk.locator('#licence-list .entry').first().click();
    await desk.locator('#account-lock').waitFor();
    expect(await desk.textContent('#account-lock')).toMatch(
      /^已锁定至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）$/,
    );
    await desk.locator('#driver-account').scrollIntoViewIfNeeded();
    await shot('06-driver-locked');
    await desk.click('#unlock-driver');
    await desk.click('#confirm-yes');
    await desk.locator('#licence-done').waitFor();
    expect(await desk.textContent('#licence-done')).toBe('已解锁，驾驶人可以重新登录。');
    expect(await desk.textContent('#account-lock')).toBe('正常');
  });

  it('when an admin creates a reviewer, then its password is shown once; a locked account is unlocked, one disabled, each after a confirmation; the admin’s own has no actions', async () => {
    await lockOut({ kind: 'staff', username: 'reviewer.wang' });
    await desk.click('#to-staff');
    await desk.locator('#staff-list').waitFor();
    const wang = desk.locator('article[data-username="reviewer.wang"]');
    expect(await wang.locator('.member-state').textContent()).toMatch(/^已锁定至 /);
    const own = desk.locator(`article[data-username="${admin}"]`);
    expect(await own.locator('button').count()).toBe(0);
    expect(await own.textContent()).toContain('本人账号（由其他管理员管理）');

    await desk.fill('#new-username', 'reviewer.li');
    await desk.selectOption('#new-role', 'reviewer');
    await desk.click('#staff-create button[type=submit]');
    await desk.locator('#staff-password').waitFor();
    expect(await desk.textContent('#staff-password p')).toBe('已创建审核员账号 reviewer.li。');
    const password = (await desk.textContent('#staff-password-text')) ?? '';
    expect(password).toMatch(/^[\w-]{24}$/);
    createdPassword = password;
    const signIn = await service.client().post('/api/session', {
      kind: 'staff',
      username: 'reviewer.li',
      password,
    });
    expect(signIn.status).toBe(200);
    await shot('07-staff-created');

    await wang.locator('[data-act="unlock"]').click();
    await wang.locator('#confirm-yes').click();
    await desk.locator('#staff-done').waitFor();
    expect(await desk.textContent('#staff-done')).toBe('已解锁 reviewer.wang 的账号。');
    expect(await wang.locator('.member-state').textContent()).toBe('正常');

    await wang.locator('[data-act="disable"]').click();
    expect(await wang.locator('[role=alertdialog] p').textContent()).toBe(
      '确认停用 reviewer.wang 的账号？其登录会话立即结束，停用期间无法登录。',
    );
    await wang.locator('#confirm-yes').click();
    await desk.locator('#staff-done').waitFor();
    expect(await wang.locator('.member-state').textContent()).toMatch(/^已停用（.+ 起）$/);
    expect(await wang.locator('button').allTextContents()).toEqual([
      '重置密码',
      '改为管理员',
      '启用',
    ]);
    const refused = await service.client().post<{ code: string }>('/api/session', {
      kind: 'staff',
      username: 'reviewer.wang',
      password: PASSWORD,
    });
    expect(refused.body.code).toBe('ERR_SIGN_IN_FAILED');
    await wang.scrollIntoViewIfNeeded();
    await shot('08-staff');
  });

  it('when an admin registers a rental desk, then its token is shown once as text and as a QR code of the token itself; revoking it asks first', async () => {
    await desk.click('#to-devices');
    await desk.locator('#device-register').waitFor();
    await desk.fill('#device-name', '天河店 1 号柜台');
    await desk.selectOption('#device-role', 'rental');
    expect(await desk.locator('#device-may .check span').allTextContents()).toEqual([
      '姓名、照片',
      '准驾车型、有效期限、驾驶证状态、记分',
    ]);
    // Without the organisation a rental desk is refused before anything is sent.
    await desk.click('#device-register button[type=submit]');
    expect(await desk.locator('#device-register [role=alert]').textContent()).toBe(
      '请填写设备名称；非交警设备还须填写机构名称',
    );
    await desk.fill('#device-org', '平安汽车租赁有限公司');
    await desk.click('#device-register button[type=submit]');
    await desk.locator('#device-token').waitFor();
    const token = (await desk.textContent('#device-token-text')) ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const png = await desk.locator('#device-token-qr').screenshot();
    const image = decodePng(png);
    const read = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(read?.data).toBe(token);
    const listed = await service.deps.db.kysely
      .selectFrom('verifier_devices')
      .select(['name', 'org', 'role', 'may'])
      .execute();
    expect(listed).toEqual([
      { name: '天河店 1 号柜台', org: '平安汽车租赁有限公司', role: 'rental', may: null },
    ]);
    // The token works as a device's bearer token: it enrols for a certificate.
    const enrol = await fetch(new URL('/api/verifier/certificate', service.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ publicKey: suspended.device.signer.publicJwk.x }),
    });
    expect(enrol.status).toBe(200);
    await shot('09-device-token');

    await desk.click('#device-token-done');
    await desk.locator('#device-list').waitFor();
    expect(await desk.locator('#device-token').count()).toBe(0);
    expect(await desk.locator('body').innerText()).not.toContain(token);
    const entry = desk.locator('#device-list article').first();
    await entry.locator('[data-act="revoke"]').click();
    await entry.locator('#confirm-yes').click();
    await desk.locator('#device-done').waitFor();
    expect(await desk.textContent('#device-done')).toBe('设备 #1 已吊销。');
    expect(await entry.locator('.member-state').textContent()).toMatch(/^已吊销（/);
    await shot('10-devices');
  });

  it('when an admin imports a file with bad rows, then nothing changes and every problem is said by line in words; a good file is imported with its counts', async () => {
    await desk.click('#to-import');
    // Valid to a date: the audit log says it (有效期至), and keeps it whole (the 320 px test).
    const good = { ...syntheticLicence(10_100), validTo: '2031-03-02' };
    const header =
      'licenceNumber,name,sex,nationality,address,birthDate,firstIssueDate,classes,validFrom,validTo,issuingAuthority,fileNumber,status,points';
    const row = (l: LicenceRecord, changes: Partial<Record<keyof LicenceRecord, string>> = {}) => {
      const v = { ...l, classes: l.classes.join(' '), points: String(l.points), ...changes };
      return [
        v.licenceNumber,
        v.name,
        v.sex,
        v.nationality,
        v.address,
        v.birthDate,
        v.firstIssueDate,
        v.classes,
        v.validFrom,
        v.validTo,
        v.issuingAuthority,
        v.fileNumber,
        v.status,
        v.points,
      ].join(',');
    };
    const bad = [header, row(good), row(syntheticLicence(10_101), { birthDate: '1990-02-30' })];
    await desk.setInputFiles('#import-file', {
      name: '名册-有误.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${bad.join('\n')}\n`),
    });
    await desk.click('#import-run');
    expect(await desk.textContent('#import-status [role=alertdialog] p')).toMatch(
      /^确认导入 名册-有误\.csv（1 kB）？/,
    );
    await desk.click('#confirm-yes');
    await desk.locator('#import-errors').waitFor();
    expect(await desk.locator('#import-errors li').allTextContents()).toEqual([
      '第 3 行 · 出生日期：应为 真实存在的日期，实为 1990-02-30',
    ]);
    expect(await desk.locator('#import-result [role=alert]').textContent()).toBe(
      '部分记录有误，未做任何更改；请按逐行说明修正后重新导入',
    );
    const none = await service.deps.db.kysely
      .selectFrom('licences')
      .select('licence_number')
      .where('licence_number', '=', good.licenceNumber)
      .execute();
    expect(none).toEqual([]);
    await shot('11-import-refused');

    await desk.setInputFiles('#import-file', {
      name: '名册.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${[header, row(good)].join('\n')}\n`),
    });
    await desk.click('#import-run');
    await desk.click('#confirm-yes');
    await desk.locator('#import-done').waitFor();
    expect(await desk.textContent('#import-done')).toBe(
      '导入完成：新增 1 本，更新 0 本，未变 0 本。',
    );
    await shot('12-imported');
  });

  it('when an admin opens the signing keys, then the key that signs and the new one with its schedule, read-only, with how to rotate', async () => {
    await desk.click('#to-keys');
    await desk.locator('#key-list').waitFor();
    expect(
      await desk
        .locator('#key-list article')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))),
    ).toEqual(['next', 'signing']);
    expect(await desk.locator('#key-list .role-tag').allTextContents()).toEqual([
      '新生成，下次启动时发布',
      '正在签名',
    ]);
    expect(await desk.locator('#key-rotation button').count()).toBe(0);
    expect(await desk.textContent('#key-rotation')).toContain('liangzheng keys rotate');
    await shot('13-keys');
  });

  it('when an admin reads the audit log by actor and action, then each entry in words, the licence masked, and in English after one tap', async () => {
    await desk.click('#to-audit');
    await desk.locator('#audit-list').waitFor();
    const all = await desk.locator('#audit-list').innerText();
    expect(all).not.toMatch(/\bstaff:\d|licence\.suspend|ERR_/);
    expect(all).not.toContain(suspended.licence.licenceNumber);
    await desk.selectOption('#audit-actor', `staff:${adminId}`);
    await desk.selectOption('#audit-action', 'licence.suspend');
    await desk.click('#audit-filter button[type=submit]');
    await expect.poll(() => desk.locator('#audit-list li').count()).toBe(1);
    const entry = desk.locator('#audit-list li');
    expect(await entry.locator('.trail-head span').first().textContent()).toBe(`工作人员 ${admin}`);
    expect(await entry.locator('.action').textContent()).toBe('暂扣驾驶证');
    expect(await entry.locator('.subject').textContent()).toBe(
      maskLicenceNumber(suspended.licence.licenceNumber),
    );
    expect(await entry.locator('.details').textContent()).toBe(
      '状态：正常 → 暂扣；记分：0；有效期至：长期；原因：公安交管决定书 2026-0815 号：饮酒后驾驶',
    );
    await shot('14-audit');

    await desk.click('#language');
    await expect
      .poll(() => desk.locator('#audit-list li .action').textContent())
      .toBe('Licence suspended');
    expect(await desk.locator('#audit-list li .details').textContent()).toBe(
      'Status: normal → temporarily seized; Points: 0; Valid to: long-term; Reason: 公安交管决定书 2026-0815 号：饮酒后驾驶',
    );
    expect(await desk.locator('#sections .section').allTextContents()).toContain('Audit log');
    await shot('15-audit-en');
    await desk.click('#language');
  });

  it('when the console is 360 px wide, then no admin screen scrolls sideways; on a desktop a licence stands in two columns', async () => {
    await desk.setViewportSize({ width: 360, height: 740 });
    try {
      for (const section of ['licences', 'staff', 'devices', 'import', 'keys', 'audit']) {
        await desk.click(`#to-${section}`);
        await desk.waitForLoadState('networkidle');
        await expectNoSidewaysScroll(desk);
      }
      // A licence's status history keeps its dates and times each on one line, down to 320 px
      // (有效期至：2031-03-02 at the end of the imported licence's details).
      await desk.click('#to-licences');
      await desk.fill('#licence-query', syntheticLicence(10_100).licenceNumber);
      await desk.click('#licence-search button[type=submit]');
      await desk.locator('#status-history li').first().waitFor();
      expect(await desk.locator('#status-history').innerText()).toContain('有效期至：2031-03-02');
      for (const width of [360, 320]) {
        await desk.setViewportSize({ width, height: 740 });
        expect(await partsOnTwoLines(desk, '#status-history', DATE_TIME), `${width} px`).toEqual(
          [],
        );
      }
      await desk.setViewportSize({ width: 360, height: 740 });
      await desk.click('#to-licences');
      await desk.fill('#licence-query', suspended.licence.licenceNumber.slice(0, 6));
      await desk.click('#licence-search button[type=submit]');
      await desk.click('#to-licences');
      await desk.locator('#licence-list .entry').first().click();
      await desk.locator('#licence-record').waitFor();
      await expectNoSidewaysScroll(desk);
      await screenshot(desk, 'console-admin-16-licence-360');
      // The record keeps each number and date on one line, in both languages, down to 320 px
      // (the English labels are longer: the licence number broke after its 16th digit).
      for (const language of ['zh', 'en']) {
        for (const width of [360, 320]) {
          await desk.setViewportSize({ width, height: 740 });
          expect(
            await partsOnTwoLines(desk, '#licence-record', RECORD_FIGURES),
            `${language} ${width} px`,
          ).toEqual([]);
          expect(
            await wider(desk, '#licence-record, #licence-record *'),
            `${language} ${width} px`,
          ).toEqual([]);
        }
        if (language === 'zh') {
          await desk.click('#language');
          await expect.poll(() => desk.textContent('#licence-record dt')).toBe('Licence No.');
        }
      }
      await screenshot(desk, 'console-admin-16-licence-320-en');
      await desk.click('#language');
      await expect.poll(() => desk.textContent('#licence-record dt')).toBe('证号');
      // On a desktop the licence's parts stand in two columns.
      await desk.setViewportSize({ width: 1280, height: 900 });
      const [record, account] = await Promise.all([
        desk.locator('#licence-record').boundingBox(),
        desk.locator('#driver-account').boundingBox(),
      ]);
      expect(account?.x ?? 0).toBeGreaterThan((record?.x ?? 0) + (record?.width ?? 0));
      expect(account?.y).toBe(record?.y);
      await expectNoSidewaysScroll(desk);
      await screenshot(desk, 'console-admin-17-licence-desktop');
    } finally {
      await desk.setViewportSize({ width: 390, height: 844 });
      if ((await desk.getAttribute('html', 'lang')) === 'en') await desk.click('#language');
    }
  });

  it('when the admin signs out and a reviewer signs in on the same page, then no admin section, and the admin’s search is forgotten at the next sign-in', async () => {
    await desk.click('#to-licences');
    await desk.fill('#licence-query', suspended.licence.licenceNumber.slice(0, 6));
    await desk.click('#licence-search button[type=submit]');
    await desk.locator('#licence-list').waitFor();
    await desk.click('#sign-out');
    await desk.locator('#sign-in').waitFor();
    expect(await desk.locator('#sections').isHidden()).toBe(true);
    service.advance(61);
    await desk.fill('#username', 'reviewer.li');
    await desk.fill('#password', createdPassword);
    await desk.click('#sign-in button[type=submit]');
    await desk.locator('#queue-empty, #queue').first().waitFor();
    expect(await desk.locator('#sections').isHidden()).toBe(true);
    expect(await desk.textContent('#bar h1')).toBe('亮证 · 照片审核');
    await desk.click('#sign-out');
    await desk.locator('#sign-in').waitFor();
    await desk.fill('#username', admin);
    await desk.fill('#password', PASSWORD);
    await desk.click('#sign-in button[type=submit]');
    await desk.locator('#sections').waitFor();
    await desk.click('#to-licences');
    expect(await desk.inputValue('#licence-query')).toBe('');
    expect(await desk.locator('#licence-list').count()).toBe(0);
  });
});
