/*
 * The OpenAPI document against the service it describes: it names exactly the routes the app
 * has, its x-roles hold over HTTP, every non-public operation declares its sign-in and refusal
 * answers, and every $ref resolves.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../issuer/app.js';
import {
  openApiDocument,
  type HttpMethod,
  type JsonObject,
  type OpenApiDocument,
  type OpenApiOperation,
} from '../../issuer/http/openapi.js';
import { CSRF_HEADER, SESSION_COOKIE, type Role } from '../../issuer/http/session.js';
import { seedEveryRole, type EveryRole } from './fixtures.js';
import { startService, type TestService } from './harness.js';
import { routesOf } from './routes-of.js';
import { cacheControlOf } from './reply-check.js';

type Who = 'anonymous' | Role;
const EVERYONE: readonly Who[] = ['anonymous', 'driver', 'reviewer', 'admin'];
const ROLES: readonly Role[] = ['driver', 'reviewer', 'admin'];
const X_ROLES = ['public', ...ROLES, 'verifier-device'];

/** `/staff/:id/unlock` → `/staff/{id}/unlock`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z_]\w*)/g, '{$1}');

/** Every operation of the document, with its method and path. */
function operationsOf(
  document: OpenApiDocument,
): { method: HttpMethod; path: string; op: OpenApiOperation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method as HttpMethod, path, op })),
  );
}

/** The problem+json schema of one response: its `$ref` and its code list. */
function problemOf(response: JsonObject | undefined): { ref: unknown; codes: unknown } {
  const content = response?.content as
    Record<string, { schema?: { allOf?: readonly JsonObject[] } }> | undefined;
  const allOf = content?.['application/problem+json']?.schema?.allOf;
  const properties = allOf?.[1]?.properties as { code?: { enum?: unknown } } | undefined;
  return { ref: allOf?.[0]?.$ref, codes: properties?.code?.enum };
}

/** Resolves a local JSON pointer (RFC 6901) in `document`; undefined when it names nothing. */
function resolve(document: unknown, pointer: string): unknown {
  if (!pointer.startsWith('#/')) return undefined;
  let value = document;
  for (const token of pointer.slice(2).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Every `$ref` value anywhere in `value`. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, member]) =>
    key === '$ref' && typeof member === 'string' ? [member] : refsIn(member),
  );
}

describe('the OpenAPI document', () => {
  let service: TestService;
  let document: OpenApiDocument;
  let everyRole: EveryRole;
  let licenceNumber: string;

  beforeAll(async () => {
    service = await startService('sqlite');
    document = openApiDocument(service.deps.config.publicUrl);
    everyRole = await seedEveryRole(service);
    licenceNumber = everyRole.licenceNumber;
  });
  afterAll(async () => {
    await service.close();
  });

  it('when the app is read, then the document names exactly its routes and methods', () => {
    const routes = routesOf(createApp(service.deps).router).map(openApiPath);
    // The reader did find the mounted routers, not only the app's own routes.
    expect(routes).toContain('POST /api/registry/licences/{number}/renew');
    expect(routes).toContain('GET /status/{id}');
    const documented = operationsOf(document).map(
      ({ method, path }) => `${method.toUpperCase()} ${path}`,
    );
    // A route the app declared twice would appear twice here, and once in the document.
    expect(documented.sort()).toEqual(routes.sort());
  });

  it('when it is checked against the OpenAPI 3.1 schema, then it is valid', async () => {
    const validator = new Validator();
    // A copy: the validator may add members to what it reads, and the document is frozen.
    const result = await validator.validate(
      JSON.parse(JSON.stringify(document)) as Record<string, unknown>,
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('when it is asked for twice, then it is built once and frozen', () => {
    expect(openApiDocument(service.deps.config.publicUrl)).toBe(document);
    expect(Object.isFrozen(document.paths)).toBe(true);
    expect(document.servers).toEqual([{ url: service.deps.config.publicUrl }]);
  });

  it('when GET /openapi.json is called, then it answers the document as JSON', async () => {
    const reply = await fetch(new URL('/openapi.json', service.url));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
    const body = (await reply.json()) as { openapi?: unknown };
    expect(body.openapi).toBe('3.1.0');
    expect(body).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('when every $ref is followed, then it names something inside the document', () => {
    const refs = refsIn(document);
    expect(refs).toContain('#/components/schemas/Problem');
    for (const ref of refs) expect(resolve(document, ref), ref).toBeDefined();
  });

  it('when the problem schema is read, then it has the members of RFC 9457 and the code', () => {
    const problem = document.components.schemas.Problem as { required?: unknown };
    expect(problem.required).toEqual(['type', 'title', 'status', 'code', 'detail']);
  });

  it('when a path has parameters, then each is declared in the path, and only those', () => {
    for (const { method, path, op } of operationsOf(document)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => {
          expect(p.required, `${method} ${path} ${String(p.name)}`).toBe(true);
          return p.name;
        });
      expect(declared, `${method} ${path}`).toEqual(inPath);
    }
  });

  it('when operations are listed, then each has its own operationId', () => {
    const ids = operationsOf(document).map(({ op }) => op.operationId);
    expect(ids).toHaveLength(new Set(ids).size);
  });

  it('when x-roles are read, then each is public or verifier-device alone, or session roles', () => {
    for (const { method, path, op } of operationsOf(document)) {
      const roles = op['x-roles'];
      expect(roles.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const role of roles) expect(X_ROLES, `${method} ${path}`).toContain(role);
      if (roles.includes('public')) expect(roles, `${method} ${path}`).toEqual(['public']);
      if (roles.includes('verifier-device'))
        expect(roles, `${method} ${path}`).toEqual(['verifier-device']);
      expect(roles, `${method} ${path}`).toHaveLength(new Set(roles).size);
    }
  });

  it('when an operation is not public, then it declares sign-in, its refusals and the cookie', () => {
    for (const { method, path, op } of operationsOf(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      const roles = op['x-roles'];
      const unsafe = method !== 'get';
      if (roles.includes('public')) {
        // A public operation may refuse a password (401), never ask for a session.
        expect(problemOf(op.responses['401']).codes ?? [], where).not.toContain(
          'ERR_UNAUTHENTICATED',
        );
        continue;
      }
      if (roles.includes('verifier-device')) {
        // A bearer token, never a session: no session refusals and no CSRF.
        expect(problemOf(op.responses['401']).codes, where).toEqual([
          'ERR_VERIFIER_DEVICE_UNKNOWN',
        ]);
        expect(problemOf(op.responses['403']).codes ?? [], where).not.toContain('ERR_CSRF');
        expect(op.security, where).toEqual([{ verifierDevice: [] }]);
        continue;
      }
      expect(problemOf(op.responses['401']).codes, where).toEqual(['ERR_UNAUTHENTICATED']);
      // A 403 comes from a role the operation refuses, or from a missing CSRF token.
      const everyRole = ROLES.every((role) => roles.includes(role));
      const codes = [...(everyRole ? [] : ['ERR_FORBIDDEN']), ...(unsafe ? ['ERR_CSRF'] : [])];
      // Beyond those, a driver's operation may refuse an account that holds no licence yet.
      const own = (problemOf(op.responses['403']).codes ?? []) as string[];
      const declared = own.filter((code) => code !== 'ERR_LICENCE_NOT_BOUND');
      if (codes.length === 0) expect(declared, where).toEqual([]);
      else expect(declared, where).toEqual(codes);
      expect(op.security, where).toEqual([unsafe ? { session: [], csrf: [] } : { session: [] }]);
    }
    const schemes = document.components.securitySchemes;
    expect(schemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
    expect(schemes.csrf).toMatchObject({ type: 'apiKey', in: 'header', name: CSRF_HEADER });
    expect(schemes.verifierDevice).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('when a GET operation needs a session or a device, then its answers are declared never cached', () => {
    // What a signed-in GET answers is for that client alone and often personal (an ID number, a
    // face, an audit entry's before and after): no browser or proxy may keep it.
    const cacheable: string[] = [];
    for (const { method, path, op } of operationsOf(document)) {
      if (method !== 'get' || op['x-roles'].includes('public')) continue;
      for (const [status, reply] of Object.entries(op.responses)) {
        if (!status.startsWith('2')) continue;
        const declared = cacheControlOf((reply as { headers?: Record<string, unknown> }).headers);
        if (declared?.values?.join() !== 'no-store') cacheable.push(`GET ${path} ${status}`);
      }
    }
    expect(cacheable).toEqual([]);
  });

  it('when a public operation is unsafe under /api, then a signed-in client needs CSRF', () => {
    for (const { method, path, op } of operationsOf(document)) {
      if (!op['x-roles'].includes('public') || method === 'get') continue;
      expect(path).toMatch(/^\/api\//);
      expect(op.security, `${method} ${path}`).toEqual([{}, { session: [], csrf: [] }]);
      expect(problemOf(op.responses['403']).codes, `${method} ${path}`).toEqual(['ERR_CSRF']);
    }
  });

  it('when an error status is declared, then it is problem+json with its list of codes', () => {
    for (const { method, path, op } of operationsOf(document)) {
      for (const [status, response] of Object.entries(op.responses)) {
        const where = `${method.toUpperCase()} ${path} ${status}`;
        expect(status, where).toMatch(/^[1-5]\d\d$/);
        // The health check's 503 is its own JSON, for load balancers.
        if (Number(status) < 400 || (path === '/healthz' && status === '503')) continue;
        const { ref, codes } = problemOf(response);
        expect(ref, where).toBe('#/components/schemas/Problem');
        expect(Array.isArray(codes) && codes.length > 0, where).toBe(true);
        for (const code of codes as unknown[]) expect(code, where).toMatch(/^ERR_[A-Z_]+$/);
      }
      expect(problemOf(op.responses['500']).codes).toEqual(['ERR_INTERNAL']);
    }
  });

  it('when a route refuses a request, then its answer has the documented problem members', async () => {
    const reply = await fetch(new URL('/api/me', service.url));
    const body = (await reply.json()) as Record<string, unknown>;
    const problem = document.components.schemas.Problem as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
    for (const member of problem.required) expect(body).toHaveProperty(member);
    for (const member of Object.keys(body))
      expect(Object.keys(problem.properties)).toContain(member);
    expect(problemOf(document.paths['/api/me']?.get?.responses['401']).codes).toContain(body.code);
  });

  it('when each operation is called as each role, then x-roles says who gets through', async () => {
    for (const { method, path, op } of operationsOf(document)) {
      const allowedRoles = op['x-roles'];
      for (const who of EVERYONE) {
        const url = path.replace('{number}', licenceNumber).replace('{id}', '1');
        const unsafe = method !== 'get';
        const reply = await fetch(new URL(url, service.url), {
          method: method.toUpperCase(),
          headers: {
            ...(await everyRole.headersFor(who)),
            ...(unsafe ? { 'content-type': 'application/json' } : {}),
          },
          ...(unsafe ? { body: '{}' } : {}),
        });
        const where = `${method.toUpperCase()} ${path} as ${who}: ${reply.status}`;
        const allowed =
          allowedRoles.includes('public') || (who !== 'anonymous' && allowedRoles.includes(who));
        if (allowed) {
          expect([401, 403], where).not.toContain(reply.status);
          await reply.arrayBuffer();
        } else {
          const body = (await reply.json()) as { code?: unknown };
          expect(body.code, where).toBe(
            allowedRoles.includes('verifier-device')
              ? 'ERR_VERIFIER_DEVICE_UNKNOWN'
              : who === 'anonymous'
                ? 'ERR_UNAUTHENTICATED'
                : 'ERR_FORBIDDEN',
          );
        }
      }
    }
  });

  /** (operation, who, request, expected code): why. Each answer's code must be documented. */
  const MISTAKES: readonly {
    readonly op: string;
    readonly who: Who;
    readonly path?: string;
    readonly type?: string;
    readonly encoding?: string;
    readonly body?: string;
    readonly csrf?: false;
    readonly code: string;
  }[] = [
    { op: 'POST /api/drivers', who: 'anonymous', body: '{"a"', code: 'ERR_MALFORMED_JSON' },
    {
      op: 'POST /api/drivers',
      who: 'anonymous',
      type: 'application/json; charset=latin1',
      body: '{}',
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    },
    {
      op: 'POST /api/drivers',
      who: 'anonymous',
      type: 'text/plain',
      body: '{}',
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    },
    {
      op: 'POST /api/drivers',
      who: 'anonymous',
      encoding: 'x-bogus',
      body: '{}',
      code: 'ERR_UNSUPPORTED_ENCODING',
    },
    {
      op: 'POST /api/registry/import',
      who: 'admin',
      type: 'text/csv',
      body: '',
      code: 'ERR_IMPORT_EMPTY',
    },
    // Said to be gzip, and not: what the body reader answers, documented under 400.
    {
      op: 'POST /api/drivers',
      who: 'anonymous',
      encoding: 'gzip',
      body: '{}',
      code: 'ERR_BAD_REQUEST',
    },
    { op: 'POST /api/drivers', who: 'anonymous', body: '{}', code: 'ERR_VALIDATION' },
    { op: 'POST /api/staff', who: 'admin', body: '{}', csrf: false, code: 'ERR_CSRF' },
    {
      op: 'POST /api/registry/licences/{number}/points',
      who: 'admin',
      body: '{}',
      code: 'ERR_VALIDATION',
    },
    { op: 'GET /api/audit', who: 'admin', code: 'ERR_VALIDATION' },
    {
      op: 'POST /api/registry/import',
      who: 'admin',
      type: 'text/plain',
      body: 'x',
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    },
    { op: 'GET /status/{id}', who: 'anonymous', path: '/status/0', code: 'ERR_NOT_FOUND' },
    {
      op: 'POST /api/me/devices',
      who: 'driver',
      body: '{"publicKey":"AAAA"}',
      code: 'ERR_KEY_INVALID',
    },
    // A control character in any string of a JSON body, whatever the route's own codes.
    {
      op: 'POST /api/me/push-subscriptions',
      who: 'driver',
      body: '{"endpoint":"https://push.example/\\u0000"}',
      code: 'ERR_VALIDATION',
    },
    {
      op: 'POST /api/me/application/abandon',
      who: 'driver',
      body: '{"note":"\\u0000"}',
      code: 'ERR_VALIDATION',
    },
  ];

  it.each(MISTAKES)(
    'when $op is called as $who and answers $code, then the document lists that code',
    async (mistake) => {
      const [method = '', path = ''] = mistake.op.split(' ');
      const { [CSRF_HEADER]: csrf, ...session } = await everyRole.headersFor(mistake.who);
      const reply = await fetch(
        new URL(mistake.path ?? path.replace('{number}', licenceNumber), service.url),
        {
          method,
          headers: {
            ...session,
            ...(mistake.csrf === false || csrf === undefined ? {} : { [CSRF_HEADER]: csrf }),
            ...(mistake.body === undefined
              ? {}
              : { 'content-type': mistake.type ?? 'application/json' }),
            ...(mistake.encoding === undefined ? {} : { 'content-encoding': mistake.encoding }),
          },
          ...(mistake.body === undefined ? {} : { body: mistake.body }),
        },
      );
      const body = (await reply.json()) as { code?: unknown };
      expect(body.code).toBe(mistake.code);
      const op = document.paths[path]?.[method.toLowerCase() as HttpMethod];
      expect(problemOf(op?.responses[String(reply.status)]).codes).toContain(mistake.code);
    },
  );
});
