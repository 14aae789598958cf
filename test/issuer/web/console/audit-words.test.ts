/*
 * The console's audit entries in words, without a browser: who acted, what was done and what
 * changed, each value by name, times in China time, fields without words left out (never a code
 * or a request id); and every action the service audits has words in Chinese and English.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLICATION_TRANSITIONS } from '../../../../issuer/application/transitions.js';
import { LICENCE_ACTIONS } from '../../../../issuer/lifecycle/transitions.js';
import {
  actionWords,
  actorWords,
  detailWords,
  subjectWords,
  type Say,
} from '../../../../issuer/web/console/audit-words.js';
import { ACTIONS, MESSAGES, type MessageKey } from '../../../../issuer/web/console/messages.js';
import { say as sayWords, type Lang } from '../../../../shared/web/i18n.js';

/** The console's translator in `lang`, without a page. */
function sayIn(lang: Lang): Say {
  return {
    lang: () => lang,
    t: (key, values) => sayWords(MESSAGES[key], lang, values),
    has: (key: string): key is MessageKey => Object.hasOwn(MESSAGES, key),
    say: (words, values) => sayWords(words, lang, values),
  };
}
const zh = sayIn('zh');
const en = sayIn('en');

/** A licence record as the audit keeps it, with the fields its words read. */
const record = (status: string, points = 0) => ({
  licenceNumber: '440106199003072429',
  name: '欧阳晓雯',
  address: '广东省广州市天河区天河路385号',
  status,
  points,
  validTo: 'long-term',
});

/** 8 May 2026, 10:15 in China. */
const AT = Date.parse('2026-05-08T10:15:00+08:00') / 1000;

describe('audit entries in words', () => {
  it.each([
    [
      'a suspension with its reason (the whole record kept)',
      { version: 1, record: record('A') },
      { version: 2, record: record('D'), reason: '饮酒后驾驶' },
      '状态：正常 → 暂扣；记分：0；有效期至：长期；原因：饮酒后驾驶',
      'Status: normal → temporarily seized; Points: 0; Valid to: long-term; Reason: 饮酒后驾驶',
    ],
    [
      'the same as the audit search cuts it down',
      { version: 1, status: 'A', points: 0, validTo: 'long-term' },
      { version: 2, reason: '饮酒后驾驶', status: 'D', points: 0, validTo: 'long-term' },
      '状态：正常 → 暂扣；记分：0；有效期至：长期；原因：饮酒后驾驶',
      'Status: normal → temporarily seized; Points: 0; Valid to: long-term; Reason: 饮酒后驾驶',
    ],
    [
      'points past the limit',
      { record: record('A', 9) },
      { record: record('B', 12) },
      '状态：正常 → 超分；记分：9 → 12；有效期至：长期',
      'Status: normal → points exceeded; Points: 9 → 12; Valid to: long-term',
    ],
    [
      'a staff role',
      { role: 'reviewer' },
      { role: 'admin' },
      '角色：审核员 → 管理员',
      'Role: Reviewer → Administrator',
    ],
    [
      'a lock after failed sign-ins by phone number',
      null,
      { by: 'phone', failedSignIns: 5, lockedUntil: AT },
      '锁定的登录名：手机号；连续登录失败：5；锁定至：2026-05-08 10:15',
      'Locked name: phone number; Failed sign-ins: 5; Locked until: 2026-05-08 10:15',
    ],
    [
      'a verifier device registered: its role and groups by name',
      null,
      { name: '天河店 1 号柜台', org: '平安汽车租赁有限公司', role: 'rental', may: [0, 1] },
      '名称：天河店 1 号柜台；机构：平安汽车租赁有限公司；角色：租车；可请求的信息：姓名、照片；准驾车型、有效期限、驾驶证状态、记分',
      'Name: 天河店 1 号柜台; Organisation: 平安汽车租赁有限公司; Role: Car rental; May ask for: Name, photo; Classes, validity dates, licence status, points',
    ],
    [
      'a portrait refused: the outcome, never the code or the credential id',
      null,
      { outcome: 'refused', code: 'ERR_SUSPENDED', jti: 'abc' },
      '结果：已拒绝',
      'Outcome: refused',
    ],
    [
      'an account disabled, then the time in China',
      { disabledAt: null },
      { disabledAt: AT },
      '停用：— → 2026-05-08 10:15',
      'Disabled: — → 2026-05-08 10:15',
    ],
  ])('when %s, then its words', (_what, before, after, chinese, english) => {
    expect(detailWords(zh, before, after)).toBe(chinese);
    expect(detailWords(en, before, after)).toBe(english);
  });

  it('when the record holds a name and an address, then neither is in the words', () => {
    const words = detailWords(zh, { record: record('A') }, { record: record('D') });
    expect(words).not.toMatch(/欧阳|天河路|440106/);
  });

  it.each([
    ['system', '系统', 'System'],
    ['cli', '命令行', 'Command line'],
    ['staff:3', '工作人员 wang', 'Staff wang'],
    ['staff:4', '工作人员 #4', 'Staff #4'],
    ['driver:12', '驾驶人', 'Driver'],
    ['verifier-device:7', '核验设备 #7', 'Verifier device #7'],
  ])('when the actor is %s, then %s', (actor, chinese, english) => {
    const names = new Map([[3, 'wang']]);
    expect(actorWords(zh, actor, names)).toBe(chinese);
    expect(actorWords(en, actor, names)).toBe(english);
  });

  it.each([
    ['application:7', '申请 #7'],
    ['staff:3', '工作人员 wang'],
    ['verifier-device:2', '核验设备 #2'],
    ['verifier-devices', '核验设备列表'],
    ['driver:5', '驾驶人账户 #5'],
    ['440106********2429', '440106********2429'],
  ])('when the subject is %s, then %s', (subject, words) => {
    expect(subjectWords(zh, subject, new Map([[3, 'wang']]))).toBe(words);
  });

  it('when the service audits an action, then the console has words for it in Chinese and English', () => {
    const audited = new Set<string>();
    const templates = new Set<string>();
    const read = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'web') read(path);
        } else if (entry.name.endsWith('.ts')) {
          const source = readFileSync(path, 'utf8');
          for (const m of source.matchAll(/action: '([a-z_-]+\.[a-z_.-]+)'/g))
            audited.add(m[1] ?? '');
          for (const m of source.matchAll(/action: `([^`]+)`/g)) templates.add(m[1] ?? '');
        }
      }
    };
    read(new URL('../../../../issuer', import.meta.url).pathname);
    // The actions made from a value, each with every value it takes.
    const expansions: Readonly<Record<string, readonly string[]>> = {
      'licence.${change.action}': [...LICENCE_ACTIONS, 'amend'].map((a) => `licence.${a}`),
      '${account.kind}.unlock': ['driver.unlock', 'staff.unlock'],
      'application.${event}': Object.keys(APPLICATION_TRANSITIONS).map((e) => `application.${e}`),
      'staff.${change.kind}': ['staff.disable', 'staff.enable', 'staff.role'],
    };
    expect([...templates].sort()).toEqual(Object.keys(expansions).sort());
    for (const list of Object.values(expansions)) for (const a of list) audited.add(a);
    expect(audited.size).toBeGreaterThanOrEqual(50);
    const without = [...audited].filter(
      (a) => ACTIONS[a]?.zh === undefined || ACTIONS[a].en === '' || ACTIONS[a].zh === '',
    );
    expect(without).toEqual([]);
    expect(actionWords(zh, 'licence.suspend')).toBe('暂扣驾驶证');
    expect(actionWords(en, 'licence.suspend')).toBe('Licence suspended');
  });

  it('each action has words of its own, so that the log’s filter tells every two apart', () => {
    for (const lang of ['zh', 'en'] as const) {
      const actionsOf = new Map<string, string[]>();
      for (const [action, words] of Object.entries(ACTIONS))
        actionsOf.set(words[lang], [...(actionsOf.get(words[lang]) ?? []), action]);
      expect([...actionsOf.values()].filter((actions) => actions.length > 1)).toEqual([]);
    }
    expect(actionWords(zh, 'application.issue')).toBe('申请办结（已签发）');
    expect(actionWords(zh, 'credential.issue')).toBe('签名电子驾驶证');
  });
});
