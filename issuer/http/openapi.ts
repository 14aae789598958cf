/*
 * The OpenAPI 3.1 document of the issuer's HTTP service, served at /openapi.json, generated from
 * the routes' specs (each declared once beside its handler) by zod-to-openapi. The answers every
 * route of a kind shares (sign-in, role, CSRF, body reader, rate limit, internal error) are added
 * here by rule, from the spec's roles, method and body.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { LICENCE_STATUS } from '../../shared/licence/codes.js';
import { ACCOUNT_SPECS, REGISTRATION_ATTEMPTS_PER_MINUTE } from '../accounts/routes.js';
import { SIGN_IN_ATTEMPTS_PER_MINUTE } from '../config.js';
import { LOCKOUT_SECONDS, MAX_FAILED_SIGN_INS } from '../accounts/sign-in-failures.js';
import { APPLICATION_SPECS } from '../application/routes.js';
import { AUDIT_SEARCHES_PER_MINUTE, AUDIT_SPECS } from '../audit/routes.js';
import { BINDING_SPECS } from '../accounts/binding-routes.js';
import { CREDENTIAL_SPECS } from '../credentials/routes.js';
import { DRIVER_SPECS } from '../driver/routes.js';
import { KEY_SPECS } from '../keys/routes.js';
import { LIFECYCLE_SPECS } from '../lifecycle/routes.js';
import { NOTIFY_SPECS } from '../notify/routes.js';
import { PORTRAIT_REQUESTS_PER_MINUTE, PORTRAIT_SPECS } from '../portraits/routes.js';
import { PUBLIC_SPECS } from '../public/routes.js';
import {
  LICENCE_READS_PER_MINUTE,
  LICENCE_SEARCHES_PER_MINUTE,
  REGISTRY_SPECS,
} from '../registry/routes.js';
import { REVIEW_SPECS } from '../review/routes.js';
import type { ErrorCode } from '../service-error.js';
import { STATUS_SPECS } from '../status/routes.js';
import {
  CERTIFICATE_REQUESTS_PER_MINUTE,
  VERIFIER_DEVICE_SPECS,
} from '../verifier-devices/routes.js';
import type { HttpMethod, RouteSpec, XRole } from './route-spec.js';
import { UNUSABLE_REASONS } from './schemas.js';
import { CSRF_HEADER, SESSION_COOKIE, SESSION_LIFETIME, type Role } from './session.js';

export type { HttpMethod, XRole } from './route-spec.js';

/** A JSON Schema (2020-12) or another OpenAPI object, as plain JSON. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** One operation of the document. */
export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** `['public']`, or the roles a signed-in client needs (one of them). */
  readonly 'x-roles': readonly XRole[];
  /** Alternatives, each a set of schemes that must all hold (OpenAPI 3.1 §4.8.30). */
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly parameters?: readonly JsonObject[];
  readonly requestBody?: JsonObject;
  /** By status code, as a string ("200", "404"). */
  readonly responses: Readonly<Record<string, JsonObject>>;
}

/** The OpenAPI 3.1 document {@link openApiDocument} returns. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: JsonObject;
  readonly servers: readonly { readonly url: string }[];
  readonly tags: readonly JsonObject[];
  /** By OpenAPI path (`/status/{id}`), then by method. */
  readonly paths: Readonly<Record<string, Readonly<Partial<Record<HttpMethod, OpenApiOperation>>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonObject>>;
    readonly securitySchemes: Readonly<Record<string, JsonObject>>;
  };
}

/** The routes of every router the app mounts. */
const SPEC_GROUPS: readonly Readonly<Record<string, RouteSpec>>[] = [
  PUBLIC_SPECS,
  STATUS_SPECS,
  ACCOUNT_SPECS,
  REGISTRY_SPECS,
  PORTRAIT_SPECS,
  VERIFIER_DEVICE_SPECS,
  LIFECYCLE_SPECS,
  AUDIT_SPECS,
  KEY_SPECS,
  CREDENTIAL_SPECS,
  APPLICATION_SPECS,
  NOTIFY_SPECS,
  REVIEW_SPECS,
  DRIVER_SPECS,
  BINDING_SPECS,
];

/** Every role a session can have, in the order `x-roles` lists them. */
const ROLES = ['driver', 'reviewer', 'admin'] as const satisfies readonly Role[];

/** Every error code the service answers, with what it means to the client. */
const CODES: Readonly<Record<ErrorCode, string>> = {
  ERR_BAD_REQUEST:
    'The body is cut short, of another length than Content-Length says, or compressed and does not decompress as its Content-Encoding says; or a path parameter holds a %XX escape that does not decode as UTF-8.',
  ERR_MALFORMED_JSON: 'The body is not JSON.',
  ERR_TOO_LARGE:
    'The body is over its size limit (once decompressed); `expected` names the limit, `found` the size or that it went past it.',
  ERR_UNSUPPORTED_ENCODING:
    'The Content-Encoding is not identity, gzip, deflate or br; `found` names it.',
  ERR_VALIDATION:
    'A field of the body or query is not valid, or a string in it holds a control character, a bidirectional control or an unpaired surrogate; `issues` names each.',
  ERR_UNAUTHENTICATED: 'No valid session: sign in first.',
  ERR_FORBIDDEN: "The session's role may not do this.",
  ERR_CSRF: `A signed-in client sent an unsafe request without the session's ${CSRF_HEADER}.`,
  ERR_NOT_FOUND: 'No such resource.',
  ERR_METHOD_NOT_ALLOWED: 'The path does not have this method; `Allow` lists those it has.',
  ERR_INTERNAL: 'An unexpected failure; it is logged.',
  ERR_UNAVAILABLE:
    'The database could not serve the request now (unreachable, failing over, locked or full). Try again after `Retry-After` seconds.',
  ERR_REGISTRATION_REFUSED:
    'Licence number and name match no licence that can be registered: none, or it already has an account (then sign in).',
  ERR_SIGN_IN_FAILED: `The account or the password is wrong (the two are not told apart); \`triesLeft\` says how many more failures in a row lock this sign-in name (${MAX_FAILED_SIGN_INS} in all).`,
  ERR_SIGN_IN_LOCKED: `${MAX_FAILED_SIGN_INS} failed sign-ins in a row locked this sign-in name for ${LOCKOUT_SECONDS} seconds, whatever the password and whether an account has the name or not; \`lockedUntil\` says when the lock ends.`,
  ERR_RATE_LIMITED: `More than ${SIGN_IN_ATTEMPTS_PER_MINUTE} sign-in attempts (by default: SIGN_IN_ATTEMPTS_PER_MINUTE) or ${REGISTRATION_ATTEMPTS_PER_MINUTE} registration attempts a minute from this address, or ${PORTRAIT_REQUESTS_PER_MINUTE} portrait requests or ${CERTIFICATE_REQUESTS_PER_MINUTE} certificate requests a minute from one verifier device, or ${LICENCE_SEARCHES_PER_MINUTE} licence searches, ${LICENCE_READS_PER_MINUTE} licence records opened or ${AUDIT_SEARCHES_PER_MINUTE} audit searches a minute by one member of staff; \`retryAfter\` in seconds.`,
  ERR_USERNAME_TAKEN: 'The username exists.',
  ERR_IMPORT_INVALID: 'Some rows are not valid; `errors` lists each. Nothing was applied.',
  ERR_IMPORT_MALFORMED: 'The file is not UTF-8, or not JSON or CSV.',
  ERR_IMPORT_EMPTY:
    'The file holds no licence row (empty, a CSV header alone, an empty JSON list). Nothing was applied.',
  ERR_UNSUPPORTED_MEDIA_TYPE:
    'Content-Type, or its charset, is not one the operation reads (JSON bodies: application/json in UTF-8; the import: text/csv or application/json in UTF-8; a photo: image/jpeg or image/png); `expected` and `found` say which.',
  ERR_ILLEGAL_TRANSITION:
    "The lifecycle does not allow the action from the licence's status; `from` and `action` say which.",
  ERR_LICENCE_INVALID: 'The changed record would not be valid; `issues` names each field.',
  ERR_KEY_INVALID:
    'Not a canonical Ed25519 public key, or one of small order (a holder device key, or a verifier device key to certify).',
  ERR_DEVICE_EXISTS: 'The key is already registered.',
  ERR_LICENCE_NOT_USABLE: 'The licence cannot have an e-licence now; `reason` says why.',
  ERR_CONCURRENT_ISSUANCE: 'Another issuance for the licence ran at the same time; try again.',
  ERR_PHOTO_REJECTED:
    'The photo failed the automatic pre-check; `failures` lists each rule. Nothing was stored.',
  ERR_IDENTITY_UNAVAILABLE: 'The real-person check gave no answer; try again later.',
  ERR_VERIFIER_DEVICE_UNKNOWN:
    'No bearer token of a registered verifier device that is not revoked (a session cookie does not count).',
  ERR_PRESENTATION_NOT_VALID:
    'The presentation does not verify now (signature, proof older than the window, status, licence); `verdict` is the verifier code.',
  ERR_PORTRAIT_NOT_FOUND:
    "No portrait whose SHA-256 is the credential's `ph`: none is stored, or the photo changed since the credential was issued.",
  ERR_PORTRAIT_NOT_DISCLOSED:
    'The presentation is valid but did not disclose the holder group (name and portrait hash, FORMAT.md §8.8): an age check or a custom choice without it. The portrait is released only to a presentation that shows it (police, rental, insurance, employer, or a custom one with the holder group).',
  ERR_PORTRAIT_BEYOND_ROLE:
    "The device's role may not ask for the holder group (an age check, or a device registered without it), so the authority does not release the portrait to it either.",
  ERR_REQUEST_NOT_VALID:
    "The request sent with an answer does not verify now or is not this device's own (`verdict`: the request's code, or ERR_WRONG_VERIFIER).",
  ERR_APPLICATION_NOT_ISSUED:
    'No e-licence application of the driver has been issued yet: apply first (POST /api/me/application).',
  ERR_PHOTO_CHANGE_TOO_SOON:
    'The photo may change once per PHOTO_CHANGE_INTERVAL_DAYS; `notBefore` says when it may.',
  ERR_PUSH_SUBSCRIPTION_INVALID:
    'Not a push subscription of a push service; `issues` names each bad field.',
  ERR_LICENCE_NOT_BOUND:
    'The account holds no licence: it needs the code sent to its phone and a real-person check first.',
  ERR_ALREADY_BOUND: 'The account already holds a licence.',
  ERR_NO_BINDING_CLAIM: 'No licence was named to bind yet.',
  ERR_CODE_REQUIRED: 'The code sent to the phone was not entered, or more than 30 minutes ago.',
  ERR_CODE_WRONG: 'Not the code sent; `triesLeft` says how many tries the code has left.',
  ERR_CODE_EXPIRED: 'No code is waiting (expired, used up, or never sent): ask for a new one.',
  ERR_CODE_TOO_SOON: 'A code was sent a moment ago; `retryAfter` says when another may be.',
  ERR_SMS_UNAVAILABLE: 'The SMS gateway did not take the message; nothing was kept.',
  ERR_IDENTITY_MISMATCH:
    'The real-person check found the selfie is not the licence holder; nothing was changed.',
  ERR_LIVENESS_FAILED: 'The real-person check’s liveness test failed; nothing was changed.',
  ERR_BINDING_CONFLICT: 'Another account bound the licence at the same moment; try again.',
  ERR_RESET_EXPIRED: 'The password reset is unknown, used or expired: ask for a new code.',
  ERR_PHONE_TAKEN: 'The phone number belongs to another account.',
  ERR_OWN_ACCOUNT:
    'An admin may not disable, change the role of, or reset the password of their own staff account: another admin does, so that one admin at least can always sign in.',
};

const text = (description: string) => z.string().meta({ description });
const integer = (description: string) => z.number().int().meta({ description });

/** One problem with one row of a registry file, free of personal data. */
const importIssue = z
  .object({
    line: integer('The record number in JSON, the physical line in CSV (1 is the header).'),
    field: z.string(),
    expected: z.string(),
    found: z.string(),
  })
  .meta({
    id: 'ImportIssue',
    description: 'One problem with one row of a registry file, free of personal data.',
  });

/** The problem document (RFC 9457), with the members some codes add. */
const problem = z
  .object({
    type: z.url().meta({ description: '`urn:liangzheng:problem:` and the code.' }),
    title: text('The HTTP status phrase.'),
    status: integer('The HTTP status.'),
    code: text('Stable error code.'),
    detail: text('What was expected and what was found; never personal data.'),
    issues: z
      .array(
        z.union([
          z.object({
            field: text('The field, e.g. `phone`; `(body)` for the body itself.'),
            expected: z.string(),
            found: text('The type and size of what was found, never the value.'),
          }),
          z.object({
            field: text('ERR_PUSH_SUBSCRIPTION_INVALID: the field, e.g. `keys.p256dh`.'),
            message: text('What the field must be.'),
          }),
        ]),
      )
      .optional()
      .meta({
        description:
          'ERR_VALIDATION, ERR_LICENCE_INVALID, ERR_PUSH_SUBSCRIPTION_INVALID: one entry per field.',
      }),
    expected: text(
      'ERR_UNSUPPORTED_MEDIA_TYPE, ERR_UNSUPPORTED_ENCODING, ERR_TOO_LARGE, ERR_MALFORMED_JSON, ERR_IMPORT_EMPTY: what the request should have been (a media type, a content coding, a size limit).',
    ).optional(),
    found: text(
      'With `expected`: what the request was (its media type, its content coding, its size or that it went past the limit).',
    ).optional(),
    format: z
      .enum(['json', 'csv'])
      .optional()
      .meta({ description: 'ERR_IMPORT_INVALID: the file format.' }),
    errors: z
      .array(importIssue)
      .optional()
      .meta({ description: 'ERR_IMPORT_INVALID: every problem of every row.' }),
    line: integer(
      'ERR_IMPORT_MALFORMED: the CSV line at which the file stops being well-formed.',
    ).optional(),
    retryAfter: integer(
      'ERR_RATE_LIMITED, ERR_CODE_TOO_SOON, ERR_SIGN_IN_LOCKED: seconds to wait.',
    ).optional(),
    verdict: text(
      'ERR_PRESENTATION_NOT_VALID: the verdict code of the verification, e.g. ERR_PROOF_EXPIRED, ERR_SUSPENDED.',
    ).optional(),
    reason: z
      .enum(UNUSABLE_REASONS)
      .optional()
      .meta({ description: 'ERR_LICENCE_NOT_USABLE: why.' }),
    from: text(
      'ERR_ILLEGAL_TRANSITION: the status of the licence, or the state of the application.',
    ).optional(),
    failures: z
      .array(z.object({ rule: z.string(), expected: z.string(), found: z.string() }))
      .optional()
      .meta({ description: 'ERR_PHOTO_REJECTED: every failed pre-check rule.' }),
    action: text('ERR_ILLEGAL_TRANSITION: the action refused.').optional(),
    notBefore: integer(
      'ERR_PHOTO_CHANGE_TOO_SOON: when the photo may change, seconds since the epoch.',
    ).optional(),
    triesLeft: integer(
      'ERR_CODE_WRONG: how many tries the code has left; ERR_SIGN_IN_FAILED: how many more failures lock the sign-in name.',
    ).optional(),
    lockedUntil: integer(
      'ERR_SIGN_IN_LOCKED: when the lock ends, seconds since the epoch.',
    ).optional(),
  })
  .meta({
    id: 'Problem',
    description:
      'An error (RFC 9457). Clients act on `code`, which is stable; `detail` may change.',
  });

/** `/staff/:id/unlock` → `/staff/{id}/unlock`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z_]\w*)/g, '{$1}');

/** The codes a route answers, by status: its own, and those that follow from its kind. */
function errorsOf(spec: RouteSpec): [number, ErrorCode[]][] {
  const errors = new Map<number, ErrorCode[]>();
  const add = (status: number, codes: readonly ErrorCode[]) => {
    const list = errors.get(status) ?? [];
    for (const code of codes) if (!list.includes(code)) list.push(code);
    errors.set(status, list);
  };
  for (const [status, codes] of Object.entries(spec.errors ?? {})) add(Number(status), codes ?? []);
  const [first] = spec.roles;
  const unsafe = spec.method !== 'get';
  // Only the API reads the session (and so checks CSRF); the routes at the root are public.
  const api = spec.path.startsWith('/api/');
  if (spec.body?.kind === 'json') {
    add(400, ['ERR_MALFORMED_JSON']);
    // Every string of a JSON body is checked for control characters as it is read.
    add(422, ['ERR_VALIDATION']);
  }
  if (spec.body !== undefined) {
    // Cut short, or compressed in a way that does not decompress (gzip, deflate, br).
    add(400, ['ERR_BAD_REQUEST']);
    add(413, ['ERR_TOO_LARGE']);
    // A body of another type or charset, or in a Content-Encoding the readers do not undo.
    add(415, ['ERR_UNSUPPORTED_MEDIA_TYPE', 'ERR_UNSUPPORTED_ENCODING']);
  }
  if (spec.query !== undefined) add(422, ['ERR_VALIDATION']);
  // A path parameter is decoded before the route runs: an escape that does not decode is refused.
  if (spec.path.includes('/:')) add(400, ['ERR_BAD_REQUEST']);
  const bearer = first === 'verifier-device';
  if (bearer) add(401, ['ERR_VERIFIER_DEVICE_UNKNOWN']);
  else if (first !== 'public') {
    add(401, ['ERR_UNAUTHENTICATED']);
    if (!ROLES.every((role) => (spec.roles as readonly string[]).includes(role)))
      add(403, ['ERR_FORBIDDEN']);
  }
  // A bearer route never reads the session, so it never asks for its CSRF token.
  if (api && unsafe && !bearer) add(403, ['ERR_CSRF']);
  add(500, ['ERR_INTERNAL']);
  // The database unreachable, locked or full; not for a route that answers 503 its own way
  // (the health check, which says so in its body).
  if (!(503 in spec.replies)) add(503, ['ERR_UNAVAILABLE']);
  return [...errors].sort(([a], [b]) => a - b);
}

/** A problem+json answer of `status` with `codes`. */
function problemReply(status: number, codes: readonly ErrorCode[]) {
  return {
    description: codes.map((code) => `- \`${code}\`: ${CODES[code]}`).join('\n'),
    ...(status === 429
      ? {
          headers: z.object({
            'Retry-After': integer('Seconds to wait (RFC 9110 §10.2.3).'),
          }),
        }
      : status === 503
        ? {
            headers: z.object({
              'Retry-After': integer(
                'Seconds to wait (RFC 9110 §10.2.3), with `ERR_UNAVAILABLE`.',
              ).optional(),
            }),
          }
        : {}),
    content: {
      'application/problem+json': {
        schema: z.intersection(
          problem,
          z.object({ status: z.literal(status), code: z.enum(codes) }),
        ),
      },
    },
  };
}

/** Who may call the route, and by which schemes. */
function accessOf(spec: RouteSpec) {
  const [first] = spec.roles;
  const unsafe = spec.method !== 'get';
  const api = spec.path.startsWith('/api/');
  // A signed-in client sends its CSRF token on unsafe requests, even to public routes.
  const withCsrf = { session: [], csrf: [] };
  if (first === 'verifier-device')
    return { 'x-roles': ['verifier-device'], security: [{ verifierDevice: [] }] };
  if (first === 'public')
    return { 'x-roles': ['public'], security: api && unsafe ? [{}, withCsrf] : [] };
  return {
    'x-roles': ROLES.filter((role) => (spec.roles as readonly string[]).includes(role)),
    security: [unsafe ? withCsrf : { session: [] }],
  };
}

/** An object's schema with each field described by the text of its 422 answer. */
function described(schema: z.ZodObject, expected: Readonly<Record<string, string>>): z.ZodObject {
  const shape = schema.shape as Record<string, z.ZodType>;
  const fields = Object.entries(expected).flatMap(([name, description]) => {
    const field = shape[name];
    return field === undefined ? [] : [[name, field.meta({ description })] as const];
  });
  return fields.length === 0 ? schema : schema.extend(Object.fromEntries(fields));
}

/** The request part of a route: path parameters, query, headers and body. */
function requestOf(spec: RouteSpec) {
  const { params, query, headers, body } = spec;
  return {
    ...(params === undefined ? {} : { params: params.schema }),
    ...(query === undefined ? {} : { query: described(query.schema, query.expected) }),
    ...(headers === undefined ? {} : { headers }),
    ...(body === undefined
      ? {}
      : {
          body: {
            required: body.kind === 'raw' || body.required,
            content: Object.fromEntries(
              Object.entries(
                body.kind === 'raw'
                  ? body.content
                  : {
                      'application/json':
                        body.schema instanceof z.ZodObject
                          ? described(body.schema, body.expected)
                          : body.schema,
                    },
              ).map(([type, schema]) => [type, { schema }]),
            ),
          },
        }),
  };
}

function build(publicUrl: string): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `Set by POST /api/session; HttpOnly, Secure, SameSite=Strict, ${SESSION_LIFETIME} seconds.`,
  });
  registry.registerComponent('securitySchemes', 'verifierDevice', {
    type: 'http',
    scheme: 'bearer',
    description:
      'The token of a registered verifier device (POST /api/admin/verifier-devices), shown once at registration (RFC 6750).',
  });
  registry.registerComponent('securitySchemes', 'csrf', {
    type: 'apiKey',
    in: 'header',
    name: CSRF_HEADER,
    description:
      "The session's CSRF token (from POST /api/session or GET /api/me), required on every POST, PUT, PATCH and DELETE of a signed-in client.",
  });
  const seen = new Set<string>();
  for (const spec of SPEC_GROUPS.flatMap((group) => Object.values(group))) {
    const key = `${spec.method} ${spec.path}`;
    if (seen.has(key)) throw new Error(`openapi: ${key} is declared twice`);
    seen.add(key);
    registry.registerPath({
      method: spec.method,
      path: openApiPath(spec.path),
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      tags: [spec.tag],
      ...accessOf(spec),
      request: requestOf(spec),
      responses: {
        ...Object.fromEntries(
          Object.entries(spec.replies).map(([status, reply]) => [
            status,
            {
              description: reply.description,
              ...(reply.headers === undefined ? {} : { headers: reply.headers }),
              ...(reply.content === undefined
                ? {}
                : {
                    content: Object.fromEntries(
                      Object.entries(reply.content).map(([type, schema]) => [type, { schema }]),
                    ),
                  }),
            },
          ]),
        ),
        ...Object.fromEntries(
          errorsOf(spec).map(([status, codes]) => [status, problemReply(status, codes)]),
        ),
      },
    });
  }
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'liangzheng issuer',
      version: '0.1.0',
      description: `The authority's service for electronic driving licences. Errors are \`application/problem+json\` with a stable \`code\`; a method a path does not have is answered 405 \`ERR_METHOD_NOT_ALLOWED\` with \`Allow\` (not listed per operation). Each operation's \`x-roles\` says who may call it: \`public\`, the session roles ${ROLES.join(', ')}, or \`verifier-device\` (a bearer token, never a session). Licence statuses are those of GA/T 16.25: ${Object.keys(LICENCE_STATUS).join(' ')}.`,
    },
    servers: [{ url: publicUrl }],
    tags: [
      { name: 'public', description: 'What a verifier needs, without signing in.' },
      { name: 'accounts', description: 'Registration, sign-in and the signed-in account.' },
      { name: 'staff', description: 'Staff accounts (admin).' },
      { name: 'registry', description: 'The licence registry (staff).' },
      { name: 'lifecycle', description: 'Licence lifecycle changes and the audit log (admin).' },
      { name: 'keys', description: "The issuer's signing keys and their schedule (admin)." },
      {
        name: 'verifier',
        description:
          'Police verifier devices (admin) and the portrait they fetch with a bearer token and a fresh presentation.',
      },
      { name: 'credentials', description: "The holder's devices and e-licence (driver)." },
      {
        name: 'application',
        description: 'Applying for the e-licence (driver) and reviewing photos (reviewer, admin).',
      },
    ],
  });
  // Plain JSON, as served: what the generator leaves undefined is not a member.
  return JSON.parse(JSON.stringify(document)) as OpenApiDocument;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/** Built once per public URL: the document does not change while the process runs. */
const built = new Map<string, OpenApiDocument>();

/**
 * The OpenAPI 3.1 document of the whole service: every route with its parameters, request body,
 * responses (each error status as problem+json with the codes the route can answer), security
 * and, in `x-roles`, who may call it. Built once per `publicUrl` and frozen.
 *
 * @param publicUrl the service's public base URL, the document's one server.
 */
export function openApiDocument(publicUrl: string): OpenApiDocument {
  let document = built.get(publicUrl);
  if (document === undefined) {
    document = deepFreeze(build(publicUrl));
    built.set(publicUrl, document);
  }
  return document;
}
