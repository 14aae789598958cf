/*
 * Every route × every role. The table below is the access policy; the first tests prove it
 * names exactly the routes the service has and is what the OpenAPI document's x-roles say, so
 * a new route without a policy, or a document that says otherwise, fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../issuer/app.js';
import { openApiDocument } from '../../issuer/http/openapi.js';
import type { Role } from '../../issuer/http/session.js';
import { seedEveryRole, type EveryRole } from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';
import { routesOf } from './routes-of.js';
import { SELFIE } from './photos.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';

type Who = 'anonymous' | Role;
const EVERYONE: readonly Who[] = ['anonymous', 'driver', 'reviewer', 'admin'];

/**
 * Who may call each route. `public`: anyone, signed in or not. `verifier-device`: a police
 * verifier device by its bearer token, refused to everyone else, signed in or not.
 */
const POLICY: Readonly<Record<string, 'public' | 'verifier-device' | readonly Role[]>> = {
  'GET /': 'public',
  'GET /healthz': 'public',
  'GET /.well-known/jwks.json': 'public',
  'GET /openapi.json': 'public',
  'GET /status': 'public',
  'GET /status/:id': 'public',
  'GET /status/verifiers': 'public',
  'GET /status/verifiers/:id': 'public',
  'POST /api/drivers': 'public',
  'POST /api/session': 'public',
  'DELETE /api/session': 'public',
  'GET /api/me': ['driver', 'reviewer', 'admin'],
  'POST /api/staff': ['admin'],
  'GET /api/staff': ['admin'],
  'POST /api/staff/:id/unlock': ['admin'],
  'POST /api/staff/:id/disable': ['admin'],
  'POST /api/staff/:id/enable': ['admin'],
  'POST /api/staff/:id/role': ['admin'],
  'POST /api/staff/:id/password': ['admin'],
  'POST /api/registry/licences/:number/account/unlock': ['admin'],
  'POST /api/registry/import': ['admin'],
  'GET /api/registry/licences/:number': ['reviewer', 'admin'],
  'GET /api/registry/licences': ['admin'],
  'GET /api/registry/licences/:number/account': ['admin'],
  'GET /api/admin/keys': ['admin'],
  'GET /api/audit/search': ['admin'],
  'PUT /api/registry/licences/:number/photo': ['admin'],
  'POST /api/admin/verifier-devices': ['admin'],
  'GET /api/admin/verifier-devices': ['admin'],
  'POST /api/admin/verifier-devices/:id/revoke': ['admin'],
  'POST /api/verifier/portrait': 'verifier-device',
  'POST /api/verifier/certificate': 'verifier-device',
  'POST /api/registry/licences/:number/suspend': ['admin'],
  'POST /api/registry/licences/:number/revoke': ['admin'],
  'POST /api/registry/licences/:number/cancel': ['admin'],
  'POST /api/registry/licences/:number/restore': ['admin'],
  'POST /api/registry/licences/:number/replace': ['admin'],
  'POST /api/registry/licences/:number/points': ['admin'],
  'POST /api/registry/licences/:number/renew': ['admin'],
  'GET /api/audit': ['admin'],
  'POST /api/me/devices': ['driver'],
  'GET /api/me/devices': ['driver'],
  'POST /api/me/devices/:id/credential': ['driver'],
  'GET /api/me/credential': ['driver'],
  'GET /api/me/application/paths': ['driver'],
  'POST /api/me/application': ['driver'],
  'POST /api/me/application/photo': ['driver'],
  'POST /api/me/application/confirm-stored': ['driver'],
  'GET /api/me/application': ['driver'],
  'GET /api/me/inbox': ['driver'],
  'POST /api/me/inbox/:id/read': ['driver'],
  'POST /api/me/application/abandon': ['driver'],
  'GET /api/push/key': 'public',
  'POST /api/me/push-subscriptions': ['driver'],
  'POST /api/me/push-subscriptions/remove': ['driver'],
  'GET /api/review/queue': ['reviewer', 'admin'],
  'GET /api/review/applications/:id/photo': ['reviewer', 'admin'],
  'POST /api/review/applications/:id/approve': ['reviewer', 'admin'],
  'POST /api/review/applications/:id/reject': ['reviewer', 'admin'],
  'GET /api/me/licence': ['driver'],
  'GET /api/me/portrait': ['driver'],
  'GET /api/review/applications/:id': ['reviewer', 'admin'],
  'GET /api/review/applications/:id/reference-photo': ['reviewer', 'admin'],
  'GET /api/me/binding': ['driver'],
  'POST /api/me/binding': ['driver'],
  'POST /api/me/binding/code': ['driver'],
  'POST /api/me/binding/code/resend': ['driver'],
  'POST /api/me/binding/check': ['driver'],
  'POST /api/me/phone': ['driver'],
  'POST /api/me/phone/confirm': ['driver'],
  'POST /api/password-reset': 'public',
  'POST /api/password-reset/code': 'public',
  'POST /api/password-reset/complete': 'public',
};

/**
 * What a driver's account that holds no licence (registered, code and real-person check not yet
 * passed, or its licence taken over) may do: bind one, recover, read its notices, sign out. Every
 * other driver route gives a licence, an application, a device or a credential, and is refused
 * 403 ERR_LICENCE_NOT_BOUND before it reads its body.
 */
const OPEN_TO_AN_UNBOUND_ACCOUNT: ReadonlySet<string> = new Set([
  'GET /api/me',
  'GET /api/me/binding',
  'POST /api/me/binding',
  'POST /api/me/binding/code',
  'POST /api/me/binding/code/resend',
  'POST /api/me/binding/check',
  'POST /api/me/phone',
  'POST /api/me/phone/confirm',
  'GET /api/me/inbox',
  'POST /api/me/inbox/:id/read',
  'POST /api/me/push-subscriptions',
  'POST /api/me/push-subscriptions/remove',
  // Lists of what the account has: empty for an account that holds nothing.
  'GET /api/me/devices',
  'GET /api/me/credential',
  'GET /api/me/application',
  // No application (one cannot be started, above): nothing to abandon or to send a photo to, 404.
  'POST /api/me/application/abandon',
  'POST /api/me/application/photo',
]);

/** A body of the right shape, so that a refusal is for the account and not for the body. */
const VALID_BODY: Readonly<
  Record<string, { type: string; body: string | Uint8Array<ArrayBuffer> }>
> = {
  'POST /api/me/devices': {
    type: 'application/json',
    body: JSON.stringify({ publicKey: createJwkSigner(generateKeyPair().privateJwk).publicJwk.x }),
  },
  'POST /api/me/application': { type: 'application/json', body: '{"path":"camera"}' },
  'POST /api/me/application/confirm-stored': {
    type: 'application/json',
    body: JSON.stringify({ selfie: SELFIE }),
  },
};

describe.each(ENGINES)('authorisation on %s', (engine) => {
  let service: TestService;
  let everyRole: EveryRole;
  let licenceNumber: string;

  beforeAll(async () => {
    service = await startService(engine);
    everyRole = await seedEveryRole(service);
    licenceNumber = everyRole.licenceNumber;
  });
  afterAll(async () => {
    await service.close();
  });

  const driverRoutes = Object.entries(POLICY)
    .filter(([, allowed]) => typeof allowed !== 'string' && allowed.includes('driver'))
    .map(([route]) => route);

  it.each(driverRoutes)(
    'when %s is called by an account that holds no licence, then it is open or refused ERR_LICENCE_NOT_BOUND',
    async (route) => {
      const [method = 'GET', pattern = '/'] = route.split(' ');
      const path = pattern.replace(':number', licenceNumber).replace(':id', '1');
      const headers = await everyRole.headersFor('unbound');
      const sent = VALID_BODY[route] ?? { type: 'application/json', body: '{}' };
      const reply = await fetch(new URL(path, service.url), {
        method,
        headers: { ...headers, ...(method === 'GET' ? {} : { 'content-type': sent.type }) },
        ...(method === 'GET' ? {} : { body: sent.body }),
      });
      const body = (await reply.json().catch(() => ({}))) as { code?: string };
      if (OPEN_TO_AN_UNBOUND_ACCOUNT.has(route))
        expect(body.code, `${route}: ${reply.status}`).not.toBe('ERR_LICENCE_NOT_BOUND');
      else
        expect({ status: reply.status, code: body.code }).toEqual({
          status: 403,
          code: 'ERR_LICENCE_NOT_BOUND',
        });
    },
  );

  it('when the routers are read, then the policy names exactly their routes', () => {
    expect(routesOf(createApp(service.deps).router).sort()).toEqual(Object.keys(POLICY).sort());
  });

  it('when the OpenAPI document is read, then its x-roles of every operation are the policy', () => {
    const documented = Object.entries(openApiDocument(service.deps.config.publicUrl).paths).flatMap(
      ([path, item]) =>
        Object.entries(item).map(([method, op]) => {
          const roles = (op as { 'x-roles': readonly string[] })['x-roles'];
          const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
          const policy =
            roles.includes('public') || roles.includes('verifier-device')
              ? roles[0]
              : [...roles].sort();
          return [route, policy] as const;
        }),
    );
    const expected = Object.entries(POLICY).map(
      ([route, allowed]) =>
        [route, typeof allowed === 'string' ? allowed : [...allowed].sort()] as const,
    );
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(expected));
  });

  const cases = Object.entries(POLICY).flatMap(([route, allowed]) =>
    EVERYONE.map((who) => [route, who, allowed] as const),
  );

  it.each(cases)('when %s is called as %s, then the policy holds', async (route, who, allowed) => {
    const [method = 'GET', pattern = '/'] = route.split(' ');
    const path = pattern.replace(':number', licenceNumber).replace(':id', '1');
    const headers = await everyRole.headersFor(who);
    // A body that is not JSON: a route refuses before it reads a body, so a refusal is 401 or
    // 403 and never the 400 of a body it should not have read.
    const reply = await fetch(new URL(path, service.url), {
      method,
      headers: { ...headers, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      ...(method === 'GET' ? {} : { body: '{"unfinished' }),
    });
    if (allowed === 'verifier-device') {
      // No session opens it: with or without a cookie (and its CSRF token), no device token.
      const body = (await reply.json()) as { code?: string };
      expect({ status: reply.status, code: body.code }).toEqual({
        status: 401,
        code: 'ERR_VERIFIER_DEVICE_UNKNOWN',
      });
      return;
    }
    const ok = allowed === 'public' || (who !== 'anonymous' && allowed.includes(who));
    if (ok) {
      // Allowed: whatever the answer to that body is, it is not an authorisation refusal.
      expect([401, 403], `${route} as ${who}: ${reply.status}`).not.toContain(reply.status);
    } else {
      const body = (await reply.json()) as { code?: string };
      expect({ status: reply.status, code: body.code }).toEqual(
        who === 'anonymous'
          ? { status: 401, code: 'ERR_UNAUTHENTICATED' }
          : { status: 403, code: 'ERR_FORBIDDEN' },
      );
    }
  });
});
