/*
 * Every string of every JSON body is text: a control character (NUL first of all, which
 * PostgreSQL refuses with a 500), a bidirectional control or an unpaired surrogate in any field
 * of any route gets 422 ERR_VALIDATION naming the field, on both engines. The table names each
 * route that reads a JSON body with each of its string fields; the first test proves it names
 * exactly the routes the app has that read one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../issuer/app.js';
import { TEXT_EXPECTED } from '../../shared/text.js';
import { seedEveryRole, type EveryRole, type Who } from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';
import { routesOf } from './routes-of.js';

type Caller = Who | 'verifier-device';

/** A route, who calls it, a valid body, and the string fields of that body (dotted paths). */
interface Case {
  readonly route: string;
  readonly who: Caller;
  readonly body: Readonly<Record<string, unknown>>;
  readonly fields: readonly string[];
}

const REASON = { reason: '法院裁定' };
/** A field a route ignores is still read, and still checked. */
const IGNORED = { note: 'no body needed' };
const ENDPOINT = 'https://fcm.googleapis.com/fcm/send/abc';

const CASES: readonly Case[] = [
  {
    route: 'POST /api/drivers',
    who: 'anonymous',
    body: {
      licenceNumber: '110101199003071234',
      name: '张三',
      phone: '13800138000',
      password: 'a long enough password',
    },
    fields: ['licenceNumber', 'name', 'phone', 'password'],
  },
  {
    route: 'POST /api/session',
    who: 'anonymous',
    body: { kind: 'driver', licenceNumber: '110101199003071234', password: 'password' },
    fields: ['kind', 'licenceNumber', 'password'],
  },
  {
    route: 'POST /api/session',
    who: 'anonymous',
    body: { kind: 'staff', username: 'admin1', password: 'password' },
    fields: ['username'],
  },
  {
    route: 'POST /api/staff',
    who: 'admin',
    body: { username: 'reviewer7', role: 'reviewer' },
    fields: ['username', 'role'],
  },
  ...(['disable', 'enable', 'password'] as const).map((action) => ({
    route: `POST /api/staff/:id/${action}`,
    who: 'admin' as const,
    body: IGNORED,
    fields: ['note'],
  })),
  {
    route: 'POST /api/staff/:id/role',
    who: 'admin',
    body: { role: 'reviewer' },
    fields: ['role'],
  },
  {
    route: 'POST /api/admin/verifier-devices',
    who: 'admin',
    body: { name: 'Checkpoint 3', org: '某某租车公司', role: 'rental' },
    fields: ['name', 'org', 'role'],
  },
  {
    route: 'POST /api/admin/verifier-devices/:id/revoke',
    who: 'admin',
    body: IGNORED,
    fields: ['note'],
  },
  {
    route: 'POST /api/verifier/certificate',
    who: 'verifier-device',
    body: { publicKey: 'abcdef' },
    fields: ['publicKey'],
  },
  {
    route: 'POST /api/verifier/portrait',
    who: 'verifier-device',
    body: { presentation: 'LZ1:abcdef' },
    fields: ['presentation'],
  },
  ...(['suspend', 'revoke', 'cancel', 'restore', 'replace'] as const).map((action) => ({
    route: `POST /api/registry/licences/:number/${action}`,
    who: 'admin' as const,
    body: REASON,
    fields: ['reason'],
  })),
  {
    route: 'POST /api/registry/licences/:number/points',
    who: 'admin',
    body: { points: 3, ...REASON },
    fields: ['reason'],
  },
  {
    route: 'POST /api/registry/licences/:number/renew',
    who: 'admin',
    body: { validFrom: '2024-01-01', validTo: 'long-term', ...REASON },
    fields: ['validFrom', 'validTo', 'reason'],
  },
  {
    route: 'POST /api/me/devices',
    who: 'driver',
    body: { publicKey: 'abcdef' },
    fields: ['publicKey'],
  },
  {
    route: 'POST /api/me/push-subscriptions',
    who: 'driver',
    body: { endpoint: ENDPOINT, expirationTime: null, keys: { p256dh: 'BBBB', auth: 'AAAA' } },
    fields: ['endpoint', 'keys.p256dh', 'keys.auth'],
  },
  {
    route: 'POST /api/me/push-subscriptions/remove',
    who: 'driver',
    body: { endpoint: ENDPOINT },
    fields: ['endpoint'],
  },
  { route: 'POST /api/me/application', who: 'driver', body: { path: 'stored' }, fields: ['path'] },
  {
    route: 'POST /api/me/application/confirm-stored',
    who: 'driver',
    body: { selfie: '/9j/4AAQ' },
    fields: ['selfie'],
  },
  { route: 'POST /api/me/application/abandon', who: 'driver', body: IGNORED, fields: ['note'] },
  {
    route: 'POST /api/review/applications/:id/approve',
    who: 'reviewer',
    body: IGNORED,
    fields: ['note'],
  },
  {
    route: 'POST /api/review/applications/:id/reject',
    who: 'reviewer',
    body: { reason: '照片模糊' },
    fields: ['reason'],
  },
  {
    route: 'POST /api/me/binding',
    who: 'driver',
    body: { licenceNumber: '110101199003071234', name: '张三' },
    fields: ['licenceNumber', 'name'],
  },
  { route: 'POST /api/me/binding/code', who: 'driver', body: { code: '123456' }, fields: ['code'] },
  { route: 'POST /api/me/binding/code/resend', who: 'driver', body: IGNORED, fields: ['note'] },
  {
    route: 'POST /api/me/binding/check',
    who: 'driver',
    body: { selfie: '/9j/4AAQ' },
    fields: ['selfie'],
  },
  { route: 'POST /api/me/phone', who: 'driver', body: { phone: '13800138000' }, fields: ['phone'] },
  {
    route: 'POST /api/me/phone/confirm',
    who: 'driver',
    body: { phone: '13800138000', code: '123456', selfie: '/9j/4AAQ' },
    fields: ['phone', 'code', 'selfie'],
  },
  {
    route: 'POST /api/password-reset',
    who: 'anonymous',
    body: { phone: '13800138000' },
    fields: ['phone'],
  },
  {
    route: 'POST /api/password-reset/code',
    who: 'anonymous',
    body: { phone: '13800138000', code: '123456' },
    fields: ['phone', 'code'],
  },
  {
    route: 'POST /api/password-reset/complete',
    who: 'anonymous',
    body: { token: 'A'.repeat(43), password: 'a long password', selfie: '/9j/4AAQ' },
    fields: ['token', 'password', 'selfie'],
  },
];

/** A copy of `body` with `insert` put after the first two characters of the field at `path`. */
function spoiled(body: Readonly<Record<string, unknown>>, path: string, insert: string) {
  const copy = structuredClone(body) as Record<string, unknown>;
  const names = path.split('.');
  const last = names.pop() ?? '';
  const holder = names.reduce((o, name) => o[name] as Record<string, unknown>, copy);
  const value = holder[last];
  if (typeof value !== 'string') throw new Error(`${path}: not a string field`);
  holder[last] = `${value.slice(0, 2)}${insert}${value.slice(2)}`;
  return copy;
}

interface Problem {
  readonly code: string;
  readonly issues: readonly { field: string; expected: string; found: string }[];
}

describe.each(ENGINES)('text in request bodies on %s', (engine) => {
  let service: TestService;
  let everyRole: EveryRole;
  let deviceToken: string;

  beforeAll(async () => {
    service = await startService(engine);
    everyRole = await seedEveryRole(service);
    const reply = await send('POST /api/admin/verifier-devices', 'admin', { name: 'Handset 1' });
    deviceToken = ((await reply.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await service.close();
  });

  async function send(route: string, who: Caller, body: unknown): Promise<Response> {
    const [method = 'POST', pattern = '/'] = route.split(' ');
    const path = pattern.replace(':number', everyRole.licenceNumber).replace(':id', '1');
    const headers =
      who === 'verifier-device'
        ? { authorization: `Bearer ${deviceToken}` }
        : await everyRole.headersFor(who);
    return fetch(new URL(path, service.url), {
      method,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function problem(reply: Response): Promise<{ status: number } & Partial<Problem>> {
    const body = (await reply.json()) as Problem;
    return { status: reply.status, code: body.code, issues: body.issues };
  }

  it('when the routers are read, then the table names exactly the routes that read a JSON body', () => {
    const readsJson = (handlers: readonly unknown[]) =>
      handlers.some((h) => typeof h === 'function' && h.name === 'readJsonBody');
    expect(routesOf(createApp(service.deps).router, '', readsJson).sort()).toEqual(
      [...new Set(CASES.map((c) => c.route))].sort(),
    );
    // No route parses JSON on its own, around the check (body-parser names its reader so).
    const parsesJson = (handlers: readonly unknown[]) =>
      handlers.some((h) => typeof h === 'function' && h.name === 'jsonParser');
    expect(routesOf(createApp(service.deps).router, '', parsesJson)).toEqual([]);
  });

  const cases = CASES.flatMap((c) => c.fields.map((field) => [c.route, field, c] as const));

  it.each(cases)(
    'when %s has a NUL in %s, then 422 ERR_VALIDATION names that field',
    async (_route, field, c) => {
      const reply = await send(c.route, c.who, spoiled(c.body, field, '\u0000'));
      expect(await problem(reply)).toEqual({
        status: 422,
        code: 'ERR_VALIDATION',
        issues: [{ field, expected: TEXT_EXPECTED, found: 'U+0000 at position 3' }],
      });
    },
  );

  const reject = CASES.find((c) => c.route.endsWith('/reject')) ?? CASES[0];
  it.each([
    ['a line feed', '\n', 'U+000A at position 3'],
    ['a carriage return', '\r', 'U+000D at position 3'],
    ['a tab', '\t', 'U+0009 at position 3'],
    ['DEL', '\u007f', 'U+007F at position 3'],
    ['a C1 control (NEL)', '\u0085', 'U+0085 at position 3'],
    ['a right-to-left override', '\u202e', 'U+202E at position 3'],
    ['an unpaired surrogate', '\ud800', 'an unpaired surrogate U+D800 at position 3'],
  ])(
    'when a rejection reason (free text) holds %s, then 422 names the reason and the code point',
    async (_label, insert, found) => {
      if (reject === undefined) throw new Error('no reject case');
      const reply = await send(reject.route, reject.who, spoiled(reject.body, 'reason', insert));
      expect(await problem(reply)).toEqual({
        status: 422,
        code: 'ERR_VALIDATION',
        issues: [{ field: 'reason', expected: TEXT_EXPECTED, found }],
      });
    },
  );

  it('when several fields and a field name hold control characters, then each is named, in order, and no unknown name is repeated', async () => {
    const reply = await send('POST /api/drivers', 'anonymous', {
      licenceNumber: '110101199003071234',
      'x\u0000y': 'z',
      name: '😀张\u0001',
      '<script>': { deep: ['ok', 'a\u0002'] },
      phone: '1380013800\u0000',
      password: 'a long enough password',
    });
    expect(await problem(reply)).toEqual({
      status: 422,
      code: 'ERR_VALIDATION',
      issues: [
        {
          field: '(a field name)',
          expected: `a field name of ${TEXT_EXPECTED}`,
          found: 'U+0000 at position 2',
        },
        { field: 'name', expected: TEXT_EXPECTED, found: 'U+0001 at position 3' },
        { field: '(unknown field).deep.1', expected: TEXT_EXPECTED, found: 'U+0002 at position 2' },
        { field: 'phone', expected: TEXT_EXPECTED, found: 'U+0000 at position 11' },
      ],
    });
  });

  it('when a name holds an emoji, CJK punctuation and spaces, then it is text and accepted', async () => {
    const reply = await send('POST /api/admin/verifier-devices', 'admin', {
      name: '海淀检查站·3号 😀（手持）',
    });
    expect(reply.status).toBe(201);
  });

  it('when the audit query holds a NUL, then 422 names it (queries are checked too)', async () => {
    const headers = await everyRole.headersFor('admin');
    const reply = await fetch(new URL('/api/audit?subject=ab%00c', service.url), { headers });
    expect(await problem(reply)).toEqual({
      status: 422,
      code: 'ERR_VALIDATION',
      issues: [{ field: 'subject', expected: TEXT_EXPECTED, found: 'U+0000 at position 3' }],
    });
  });
});
