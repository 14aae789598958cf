/*
 * The OpenAPI 3.1 document of the issuer's HTTP service, served at /openapi.json.
 *
 * Request bodies come from the routes' zod schemas where they are exported (z.toJSONSchema,
 * JSON Schema 2020-12, which OpenAPI 3.1 §4.8.24 takes as is), with each field described by the
 * same `…_EXPECTED` text the 422 answer uses. The error codes of each operation are the ones its
 * route and use case throw; the ones every route of a kind shares (sign-in, role, CSRF, body
 * parser, internal error) are added here by rule, from the operation's roles, method and body.
 */
import { z } from 'zod';
import { LICENCE_STATUS } from '../../shared/licence/codes.js';
import { licenceRecordSchema } from '../../shared/licence/record.js';
import {
  DRIVER_REGISTRATION_EXPECTED,
  driverRegistrationSchema,
} from '../accounts/register-driver.js';
import {
  REGISTRATION_ATTEMPTS_PER_MINUTE,
  SIGN_IN_ATTEMPTS_PER_MINUTE,
} from '../accounts/routes.js';
import {
  LOCKOUT_SECONDS,
  MAX_FAILED_SIGN_INS,
  SIGN_IN_EXPECTED,
  signInSchema,
} from '../accounts/sign-in.js';
import { STAFF_CREATION_EXPECTED, STAFF_ROLES, staffCreationSchema } from '../accounts/staff.js';
import {
  CONFIRM_EXPECTED,
  confirmSchema,
  MAX_PHOTO_BYTES,
  REJECT_EXPECTED,
  rejectSchema,
  START_EXPECTED,
  startSchema,
} from '../application/routes.js';
import { MAX_DEVICES } from '../credentials/register-device.js';
import {
  DEVICE_EXPECTED,
  deviceSchema,
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_HEADER_EXPECTED,
} from '../credentials/routes.js';
import type { CredentialTable } from '../db/schema.js';
import { AUDIT_PAGE_MAX } from '../lifecycle/list-audit.js';
import { LIFECYCLE_EXPECTED, plainBody, pointsBody, renewBody } from '../lifecycle/routes.js';
import { TRANSITIONS, type LicenceAction } from '../lifecycle/transitions.js';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from '../registry/import-licences.js';
import { UNSUBSCRIBE_EXPECTED, unsubscribeSchema } from '../notify/routes.js';
import {
  PORTRAIT_EXPECTED,
  PORTRAIT_PATH,
  PORTRAIT_REQUESTS_PER_MINUTE,
  portraitSchema,
} from '../portraits/routes.js';
import { IMPORT_PATH } from '../registry/routes.js';
import {
  VERIFIER_DEVICE_EXPECTED,
  verifierDeviceSchema,
} from '../verifier-devices/register-verifier-device.js';
import { CSRF_HEADER, SESSION_COOKIE, SESSION_LIFETIME, type Role } from './session.js';

/** A JSON Schema (2020-12) or another OpenAPI object, as plain JSON. */
export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Who may call an operation, in its `x-roles`: `public` is anyone, signed in or not;
 * `verifier-device` a registered police verifier device by its bearer token, never a session.
 */
export type XRole = 'public' | Role | 'verifier-device';

/** The HTTP methods the service answers. */
export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

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

/** Every role a session can have, in the order `x-roles` lists them. */
const ROLES = ['driver', 'reviewer', 'admin'] as const satisfies readonly Role[];

/** Every error code the service answers, with what it means to the client. */
const CODES = {
  ERR_BAD_REQUEST: 'The body is cut short, or of another length than Content-Length says.',
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
  ERR_INTERNAL: 'An unexpected failure; it is logged.',
  ERR_REGISTRATION_REFUSED:
    'Licence number and name match no licence that can be registered: none, or it already has an account (then sign in).',
  ERR_SIGN_IN_FAILED: `The account or the password is wrong, or the account is locked (${LOCKOUT_SECONDS} seconds after ${MAX_FAILED_SIGN_INS} failed sign-ins in a row); the three are not told apart.`,
  ERR_RATE_LIMITED: `More than ${SIGN_IN_ATTEMPTS_PER_MINUTE} sign-in attempts or ${REGISTRATION_ATTEMPTS_PER_MINUTE} registration attempts a minute from this address, or ${PORTRAIT_REQUESTS_PER_MINUTE} portrait requests a minute from one verifier device; \`retryAfter\` in seconds.`,
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
  ERR_KEY_INVALID: 'Not a canonical Ed25519 public key, or one of small order.',
  ERR_DEVICE_EXISTS: 'The key is already registered.',
  ERR_LICENCE_NOT_USABLE: 'The licence cannot have an e-licence now; `reason` says why.',
  ERR_CONCURRENT_ISSUANCE: 'Another issuance for the licence ran at the same time; try again.',
  ERR_PHOTO_REJECTED:
    'The photo failed the automatic pre-check; `failures` lists each rule. Nothing was stored.',
  ERR_IDENTITY_FAILED:
    'The real-person check did not match (`outcome`: mismatch or liveness_failed); the driver may try again.',
  ERR_IDENTITY_UNAVAILABLE: 'The real-person check gave no answer; try again later.',
  ERR_VERIFIER_DEVICE_UNKNOWN:
    'No bearer token of a registered verifier device that is not revoked (a session cookie does not count).',
  ERR_PRESENTATION_NOT_VALID:
    'The presentation does not verify now (signature, proof older than the window, status, licence); `verdict` is the verifier code.',
  ERR_PORTRAIT_NOT_FOUND:
    "No portrait whose SHA-256 is the credential's `ph`: none is stored, or the photo changed since the credential was issued.",
  ERR_APPLICATION_NOT_ISSUED:
    'No e-licence application of the driver has been issued yet: apply first (POST /api/me/application).',
  ERR_PHOTO_CHANGE_TOO_SOON:
    'The photo may change once per PHOTO_CHANGE_INTERVAL_DAYS; `notBefore` says when it may.',
  ERR_PUSH_SUBSCRIPTION_INVALID:
    'Not a push subscription of a push service; `issues` names each bad field.',
} as const;

/** One of {@link CODES}. */
type ErrorCode = keyof typeof CODES;

/** The error codes of one operation, by HTTP status. */
type ErrorCodes = Readonly<Partial<Record<number, readonly ErrorCode[]>>>;

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const string = (description?: string): JsonObject => ({
  type: 'string',
  ...(description === undefined ? {} : { description }),
});
const integer = (description?: string): JsonObject => ({
  type: 'integer',
  ...(description === undefined ? {} : { description }),
});
const SECONDS = integer('Seconds since the epoch.');
const nullable = (schema: JsonObject): JsonObject => ({ oneOf: [schema, { type: 'null' }] });
const DEADLINE_PROVISIONAL: JsonObject = {
  type: 'boolean',
  description:
    "The deadline lies beyond the service's working calendar: counted Monday to Friday because the State Council has not published (or the operator has not loaded) that year's holiday arrangement; the console shows it as 暂定（节假日安排未公布）. Counted again at the service's next start once the arrangement is loaded.",
};
/** The working calendar's reach, in /healthz. */
const CALENDAR_COVERAGE = object({
  coversUntil: {
    type: 'string',
    format: 'date',
    description: 'The last day (China time) whose working days the service knows.',
  },
  daysLeft: integer(
    'Days from today (China time) to coversUntil: 0 on that day, negative after it.',
  ),
  warning: {
    type: 'boolean',
    description:
      "At most 60 days left: the next year's holiday arrangement should be loaded into the working calendar file (OPERATIONS.md). Never makes the service unhealthy.",
  },
});

/** An object with these properties, all required but `optional`. */
function object(properties: Readonly<Record<string, JsonObject>>, optional: string[] = []) {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
  };
}

/** A zod schema as JSON Schema, each field described by `expected`. */
function fromZod(
  schema: z.ZodType,
  io: 'input' | 'output',
  expected: Readonly<Record<string, string>> = {},
): JsonObject {
  const json = z.toJSONSchema(schema, { io });
  // The document's dialect is JSON Schema 2020-12 already (OpenAPI 3.1 §4.8.24).
  delete json.$schema;
  return describeFields(json, expected);
}

function describeFields(
  schema: z.core.JSONSchema.JSONSchema,
  expected: Readonly<Record<string, string>>,
): z.core.JSONSchema.JSONSchema {
  const described = (name: string, field: z.core.JSONSchema._JSONSchema) => {
    const text = expected[name];
    return typeof field === 'object' && text !== undefined
      ? { ...field, description: text }
      : field;
  };
  return {
    ...schema,
    ...(schema.properties === undefined
      ? {}
      : {
          properties: Object.fromEntries(
            Object.entries(schema.properties).map(([name, field]) => [
              name,
              described(name, field),
            ]),
          ),
        }),
    ...(schema.oneOf === undefined
      ? {}
      : {
          oneOf: schema.oneOf.map((branch) =>
            typeof branch === 'object' ? describeFields(branch, expected) : branch,
          ),
        }),
  };
}

/** The problem document (RFC 9457), with the members some codes add. */
const PROBLEM: JsonObject = {
  type: 'object',
  description: 'An error (RFC 9457). Clients act on `code`, which is stable; `detail` may change.',
  properties: {
    type: { type: 'string', format: 'uri', description: '`urn:liangzheng:problem:` and the code.' },
    title: string('The HTTP status phrase.'),
    status: integer('The HTTP status.'),
    code: string('Stable error code.'),
    detail: string('What was expected and what was found; never personal data.'),
    issues: {
      type: 'array',
      description: 'ERR_VALIDATION, ERR_LICENCE_INVALID: one entry per field.',
      items: object({
        field: string('The field, e.g. `phone`; `(body)` for the body itself.'),
        expected: string(),
        found: string('The type and size of what was found, never the value.'),
      }),
    },
    expected: string(
      'ERR_UNSUPPORTED_MEDIA_TYPE, ERR_UNSUPPORTED_ENCODING, ERR_TOO_LARGE, ERR_MALFORMED_JSON, ERR_IMPORT_EMPTY: what the request should have been (a media type, a content coding, a size limit).',
    ),
    found: string(
      'With `expected`: what the request was (its media type, its content coding, its size or that it went past the limit).',
    ),
    format: { enum: ['json', 'csv'], description: 'ERR_IMPORT_INVALID: the file format.' },
    errors: {
      type: 'array',
      description: 'ERR_IMPORT_INVALID: every problem of every row.',
      items: ref('ImportIssue'),
    },
    retryAfter: integer('ERR_RATE_LIMITED: seconds to wait.'),
    verdict: string(
      'ERR_PRESENTATION_NOT_VALID: the verdict code of the verification, e.g. ERR_PROOF_EXPIRED, ERR_SUSPENDED.',
    ),
    reason: {
      enum: [
        'expired',
        'not-yet-valid',
        'suspended',
        'revoked',
        'cancelled',
        'points-exceeded',
        'renewal-overdue',
        'not-normal',
      ],
      description: 'ERR_LICENCE_NOT_USABLE: why.',
    },
    from: string(
      'ERR_ILLEGAL_TRANSITION: the status of the licence, or the state of the application.',
    ),
    failures: {
      type: 'array',
      description: 'ERR_PHOTO_REJECTED: every failed pre-check rule.',
      items: object({ rule: string(), expected: string(), found: string() }),
    },
    outcome: {
      enum: ['mismatch', 'liveness_failed'],
      description: 'ERR_IDENTITY_FAILED: what the check found.',
    },
    retryable: {
      type: 'boolean',
      description: 'ERR_IDENTITY_FAILED, ERR_IDENTITY_UNAVAILABLE: the driver may try again.',
    },
    action: string('ERR_ILLEGAL_TRANSITION: the action refused.'),
  },
  required: ['type', 'title', 'status', 'code', 'detail'],
};

const SCHEMAS: Readonly<Record<string, JsonObject>> = {
  Problem: PROBLEM,
  ImportIssue: {
    ...object({
      line: integer('The record number in JSON, the physical line in CSV (1 is the header).'),
      field: string(),
      expected: string(),
      found: string(),
    }),
    description: 'One problem with one row of a registry file, free of personal data.',
  },
  LicenceRecord: {
    ...fromZod(licenceRecordSchema, 'output'),
    description:
      'A licence record (docs/DOMAIN.md §2.1). Dates are YYYY-MM-DD in China time; `validTo` may be "long-term".',
  },
  Jwk: {
    ...object(
      {
        kty: { const: 'OKP' },
        crv: { const: 'Ed25519' },
        x: string('The public key, base64url of 32 bytes.'),
        kid: string('RFC 7638 thumbprint.'),
        alg: { enum: ['EdDSA', 'Ed25519'] },
        use: { const: 'sig' },
      },
      ['kid', 'alg', 'use'],
    ),
    description: 'An Ed25519 public key (RFC 8037 §2).',
  },
  Application: object({
    id: integer(),
    path: { enum: ['stored', 'camera', 'album'] },
    state: {
      enum: [
        'draft',
        'identity_pending',
        'identity_failed',
        'submitted',
        'approved',
        'rejected',
        'issued',
        'abandoned',
      ],
    },
    submittedAt: nullable(SECONDS),
    deadline: nullable(integer('When the review is due: one working day after submission.')),
    deadlineProvisional: DEADLINE_PROVISIONAL,
    decidedAt: nullable(SECONDS),
    reason: nullable(string('Why the photo was rejected.')),
  }),
  IssuedCredential: object({
    credential: string('The e-licence, a compact JWS (FORMAT.md §3).'),
    jti: string(),
    expiresAt: SECONDS,
    listId: integer('The status list of the credential (`/status/{listId}`).'),
    index: integer('Its entry in that list.'),
  }),
};

const json = (schema: JsonObject) => ({ 'application/json': { schema } });

const NO_STORE = { description: 'Never cached.', schema: { const: 'no-store' } };

/** A reply no cache may keep: personal data, or an answer for this client only. */
const noStore = (description: string, content: JsonObject): Reply => ({
  description,
  content,
  headers: { 'Cache-Control': NO_STORE },
});

/** A JSON body (the routes' parser, 64 kB), checked by `schema`, each field described by `expected`. */
const jsonBody = (schema: z.ZodType, expected: Readonly<Record<string, string>>) => ({
  parser: 'json' as const,
  required: true,
  content: json(fromZod(schema, 'input', expected)),
});

/** The body of an action that takes none: optional, read as JSON all the same and checked. */
const NO_BODY = {
  parser: 'json' as const,
  required: false,
  content: json({ type: 'object', description: 'Not used; `{}` or no body.' }),
};

const LICENCE_NUMBER: JsonObject = {
  name: 'number',
  in: 'path',
  required: true,
  description: 'The licence number (GB 11643 citizen ID number).',
  schema: { type: 'string', pattern: '^\\d{17}[\\dX]$' },
};

/** A numeric id in the path: an application, a staff account, a verifier device, a notice. */
const ID_PARAMETER: JsonObject = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1, maximum: 999_999_999_999_999 },
};

const LICENCE_CHANGED = json(object({ licence: ref('LicenceRecord'), version: integer() }));

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/** A response other than a problem. */
interface Reply {
  readonly description: string;
  readonly content?: JsonObject;
  readonly headers?: Readonly<Record<string, JsonObject>>;
}

/** One route, as written here; {@link operation} adds what follows from its roles and body. */
interface RouteSpec {
  readonly method: HttpMethod;
  /** The OpenAPI path, with `{param}`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** `verifier-device`: a bearer token of a registered police verifier device, no session. */
  readonly access: 'public' | 'verifier-device' | readonly Role[];
  readonly parameters?: readonly JsonObject[];
  /** `json`: the routes' JSON parser (64 kB); `raw`: the registry import's own (20 MB). */
  readonly body?: {
    readonly parser: 'json' | 'raw';
    readonly required: boolean;
    readonly content: JsonObject;
  };
  readonly replies: Readonly<Record<number, Reply>>;
  readonly errors?: ErrorCodes;
}

const LIFECYCLE_SUMMARIES: Readonly<Record<LicenceAction, string>> = {
  suspend: 'Suspend (暂扣) a licence',
  revoke: 'Revoke (吊销) a licence',
  cancel: 'Cancel (注销) a licence',
  restore: 'Restore a suspended licence',
  replace: 'Replace (补证) the paper licence; the e-licence is superseded',
  points: 'Set the points of the scoring cycle',
  renew: 'Renew (换证) a licence for a new validity period; the e-licence is superseded',
};

function lifecycleRoute(action: LicenceAction, body: JsonObject, required: boolean): RouteSpec {
  return {
    method: 'post',
    path: `/api/registry/licences/{number}/${action}`,
    operationId: `${action}Licence`,
    tag: 'lifecycle',
    summary: LIFECYCLE_SUMMARIES[action],
    description: `Allowed from status ${TRANSITIONS[action].from.join(' ')}. Moves the status list entries of the licence's e-licences and is audited.`,
    access: ['admin'],
    parameters: [LICENCE_NUMBER],
    body: { parser: 'json', required, content: json({ ...body, additionalProperties: false }) },
    replies: { 200: { description: 'The licence after the change.', content: LICENCE_CHANGED } },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_ILLEGAL_TRANSITION'],
      422: ['ERR_VALIDATION', 'ERR_LICENCE_INVALID'],
    },
  };
}

const ROUTES: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tag: 'public',
    summary: 'Whether the service and its database answer',
    access: 'public',
    replies: {
      200: {
        description: 'Up.',
        content: json(object({ status: { const: 'ok' }, calendar: CALENDAR_COVERAGE })),
      },
      503: {
        description: 'The database does not answer.',
        content: json(
          object({ status: { const: 'database unavailable' }, calendar: CALENDAR_COVERAGE }),
        ),
      },
    },
  },
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    operationId: 'jwks',
    tag: 'public',
    summary: 'The public keys that verify e-licences and status lists (RFC 7517)',
    description:
      'The signing key, and older keys until the last credential they signed has expired.',
    access: 'public',
    replies: {
      200: {
        description: 'A JWK set, as application/jwk-set+json (RFC 7517 §8.5.1).',
        content: {
          'application/jwk-set+json': {
            schema: object({ keys: { type: 'array', items: ref('Jwk') } }),
          },
        },
        headers: {
          'Cache-Control': { schema: { const: 'public, max-age=300' } },
        },
      },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApi',
    tag: 'public',
    summary: 'This document',
    access: 'public',
    replies: { 200: { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } },
  },
  {
    method: 'get',
    path: '/status/{id}',
    operationId: 'statusList',
    tag: 'public',
    summary: 'A signed status list (IETF Token Status List §8.1)',
    description:
      "A JWT of `typ` statuslist+jwt; 2 bits per credential: 0 valid, 1 invalid, 2 suspended, 3 superseded. Caches keep it for the service's configured status list max age, so a change reaches verifiers within that time.",
    access: 'public',
    parameters: [
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'The list id, from a credential’s `status.status_list.uri`.',
        schema: { type: 'integer', minimum: 1, maximum: 999_999_999 },
      },
      {
        name: 'If-None-Match',
        in: 'header',
        required: false,
        description: 'The ETag of a copy the client holds.',
        schema: { type: 'string' },
      },
    ],
    replies: {
      200: {
        description: 'The status list token.',
        content: {
          'application/statuslist+jwt': {
            schema: { type: 'string', description: 'A compact JWS.' },
          },
        },
        headers: {
          ETag: {
            description: 'The list version and signing time: `"<version>-<iat>"`.',
            schema: { type: 'string' },
          },
          'Cache-Control': {
            description: '`public, max-age=<seconds>`.',
            schema: { type: 'string', pattern: '^public, max-age=\\d+$' },
          },
        },
      },
      304: {
        description: 'Not modified: `If-None-Match` names the current version.',
        headers: {
          ETag: { schema: { type: 'string' } },
          'Cache-Control': { schema: { type: 'string' } },
        },
      },
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },

  // Accounts
  {
    method: 'post',
    path: '/api/drivers',
    operationId: 'registerDriver',
    tag: 'accounts',
    summary: 'Register a driver account, bound to a licence in the registry',
    description: `Licence number and name must match one licence that has no account yet; an unknown number, a wrong name and a licence with an account get the same answer. At most ${REGISTRATION_ATTEMPTS_PER_MINUTE} attempts a minute from one address.`,
    access: 'public',
    body: jsonBody(driverRegistrationSchema, DRIVER_REGISTRATION_EXPECTED),
    replies: {
      201: { description: 'Registered.', content: json(object({ driverId: integer() })) },
    },
    errors: {
      422: ['ERR_VALIDATION', 'ERR_REGISTRATION_REFUSED'],
      429: ['ERR_RATE_LIMITED'],
    },
  },
  {
    method: 'post',
    path: '/api/session',
    operationId: 'signIn',
    tag: 'accounts',
    summary: 'Sign in as a driver or a member of staff',
    description: `Sets the session cookie ${SESSION_COOKIE} (HttpOnly, Secure, SameSite=Strict, ${SESSION_LIFETIME} seconds) and returns the CSRF token to send in ${CSRF_HEADER} on unsafe requests.`,
    access: 'public',
    body: jsonBody(signInSchema, SIGN_IN_EXPECTED),
    replies: {
      200: {
        description: 'Signed in.',
        content: json(object({ role: { enum: ROLES }, csrfToken: string() })),
        headers: {
          'Set-Cookie': { description: `${SESSION_COOKIE}=<token>`, schema: { type: 'string' } },
          'Cache-Control': NO_STORE,
        },
      },
    },
    errors: {
      401: ['ERR_SIGN_IN_FAILED'],
      422: ['ERR_VALIDATION'],
      429: ['ERR_RATE_LIMITED'],
    },
  },
  {
    method: 'delete',
    path: '/api/session',
    operationId: 'signOut',
    tag: 'accounts',
    summary: 'Sign out: end the session of this request, if any',
    access: 'public',
    replies: {
      204: {
        description: 'Signed out; the cookie is cleared.',
        headers: { 'Set-Cookie': { schema: { type: 'string' } } },
      },
    },
  },
  {
    method: 'get',
    path: '/api/me',
    operationId: 'currentAccount',
    tag: 'accounts',
    summary: 'The signed-in account, and the CSRF token of its session',
    access: ROLES,
    replies: {
      200: noStore(
        'The account; a driver sees a masked licence number only.',
        json({
          oneOf: [
            object({
              role: { const: 'driver' },
              subject: { const: 'driver' },
              driverId: integer(),
              licenceNumber: string('Masked: region code and last four characters.'),
              csrfToken: string(),
            }),
            object({
              role: { enum: STAFF_ROLES },
              subject: { const: 'staff' },
              staffId: integer(),
              username: string(),
              csrfToken: string(),
            }),
          ],
        }),
      ),
    },
  },
  {
    method: 'post',
    path: '/api/staff',
    operationId: 'createStaff',
    tag: 'staff',
    summary: 'Create a staff account with a generated password',
    description: 'The password is shown in this answer only; the service keeps its hash.',
    access: ['admin'],
    body: jsonBody(staffCreationSchema, STAFF_CREATION_EXPECTED),
    replies: {
      201: noStore(
        'Created.',
        json(
          object({
            id: integer(),
            username: string(),
            role: { enum: STAFF_ROLES },
            password: string(),
          }),
        ),
      ),
    },
    errors: { 409: ['ERR_USERNAME_TAKEN'], 422: ['ERR_VALIDATION'] },
  },
  {
    method: 'get',
    path: '/api/staff',
    operationId: 'listStaff',
    tag: 'staff',
    summary: 'Every staff account, without password hashes',
    access: ['admin'],
    replies: {
      200: {
        description: 'By id.',
        content: json(
          object({
            staff: {
              type: 'array',
              items: object({
                id: integer(),
                username: string(),
                role: { enum: STAFF_ROLES },
                createdAt: SECONDS,
                lockedUntil: nullable({ ...SECONDS, description: 'When the lockout ends.' }),
              }),
            },
          }),
        ),
      },
    },
  },
  {
    method: 'post',
    path: '/api/staff/{id}/unlock',
    operationId: 'unlockStaff',
    tag: 'staff',
    summary: "End a staff account's lockout",
    access: ['admin'],
    parameters: [ID_PARAMETER],
    replies: { 204: { description: 'Unlocked.' } },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },
  {
    method: 'post',
    path: '/api/registry/licences/{number}/account/unlock',
    operationId: 'unlockDriver',
    tag: 'staff',
    summary: 'End the sign-in lockout of the driver account of a licence',
    access: ['admin'],
    parameters: [LICENCE_NUMBER],
    replies: { 204: { description: 'Unlocked.' } },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },

  // Registry
  {
    method: 'post',
    path: `/api${IMPORT_PATH}`,
    operationId: 'importRegistry',
    tag: 'registry',
    summary: 'Import licence records, all or nothing',
    description: `JSON (an array of records, or an object with a \`licences\` array) or CSV (RFC 4180, a header row of field names), UTF-8, at most ${MAX_IMPORT_BYTES} bytes and ${MAX_IMPORT_ROWS} rows, at least one. A CSV body is refused as soon as it passes either limit, before the rest is read. New licences are inserted; changed ones are brought to the file's record through the lifecycle.`,
    access: ['admin'],
    body: {
      parser: 'raw',
      required: true,
      content: {
        'application/json': {
          schema: {
            oneOf: [
              { type: 'array', items: ref('LicenceRecord') },
              object({ licences: { type: 'array', items: ref('LicenceRecord') } }),
            ],
          },
        },
        'text/csv': { schema: { type: 'string' } },
      },
    },
    replies: {
      200: {
        description: 'What the import did.',
        content: json(object({ inserted: integer(), updated: integer(), unchanged: integer() })),
      },
    },
    errors: {
      400: ['ERR_IMPORT_MALFORMED'],
      413: ['ERR_TOO_LARGE'],
      415: ['ERR_UNSUPPORTED_MEDIA_TYPE'],
      422: ['ERR_IMPORT_INVALID', 'ERR_IMPORT_EMPTY'],
    },
  },
  {
    method: 'get',
    path: '/api/registry/licences/{number}',
    operationId: 'getLicence',
    tag: 'registry',
    summary: 'One licence with its version and its e-licences',
    access: ['reviewer', 'admin'],
    parameters: [LICENCE_NUMBER],
    replies: {
      200: {
        description: 'The licence.',
        content: json(
          object({
            licence: ref('LicenceRecord'),
            version: integer(),
            updatedAt: SECONDS,
            credentials: {
              type: 'array',
              description: 'Every credential issued for the licence, oldest first.',
              items: object({
                jti: string(),
                state: {
                  enum: [
                    'live',
                    'refreshed',
                    'superseded',
                    'revoked',
                  ] satisfies CredentialTable['state'][],
                },
                listId: integer(),
                index: integer(),
                expiresAt: SECONDS,
              }),
            },
          }),
        ),
      },
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },

  // Portraits: the registry photo (admin), verifier devices (admin), the portrait (device).
  {
    method: 'put',
    path: '/api/registry/licences/{number}/photo',
    operationId: 'setRegistryPhoto',
    tag: 'registry',
    summary: 'Set the registry photo of a licence: the stored path is then offered',
    description: `The body is the image itself, at most ${MAX_PHOTO_BYTES} bytes, read after the admin check. It passes the same automatic pre-check as a driver's photo and is stored re-encoded, without metadata; the licence's portrait hash follows. Audited with the hashes before and after. Credentials issued before keep the old hash and no longer find a portrait until they are refreshed.`,
    access: ['admin'],
    parameters: [LICENCE_NUMBER],
    body: {
      parser: 'raw',
      required: true,
      content: {
        'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
        'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
      },
    },
    replies: {
      200: noStore(
        'Stored.',
        json(object({ portraitHash: string('SHA-256 (base64url) of the stored JPEG.') })),
      ),
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      413: ['ERR_TOO_LARGE'],
      415: ['ERR_UNSUPPORTED_MEDIA_TYPE'],
      422: ['ERR_PHOTO_REJECTED'],
    },
  },
  {
    method: 'post',
    path: '/api/admin/verifier-devices',
    operationId: 'registerVerifierDevice',
    tag: 'verifier',
    summary: 'Register a police verifier device; its bearer token is shown once',
    description:
      'The token (256 random bits, base64url) is in this answer only; the service keeps its SHA-256. Audited without the token.',
    access: ['admin'],
    body: jsonBody(verifierDeviceSchema, VERIFIER_DEVICE_EXPECTED),
    replies: {
      201: noStore(
        'Registered.',
        json(
          object({
            id: integer(),
            name: string(),
            token: string('The bearer token to install on the device; never shown again.'),
          }),
        ),
      ),
    },
    errors: { 422: ['ERR_VALIDATION'] },
  },
  {
    method: 'get',
    path: '/api/admin/verifier-devices',
    operationId: 'listVerifierDevices',
    tag: 'verifier',
    summary: 'Every registered verifier device, revoked ones included, without tokens',
    access: ['admin'],
    replies: {
      200: noStore(
        'By id. The listing is audited.',
        json(
          object({
            devices: {
              type: 'array',
              items: object({
                id: integer(),
                name: string(),
                createdBy: integer('The staff id of the admin who registered it.'),
                createdAt: SECONDS,
                revokedAt: nullable(SECONDS),
              }),
            },
          }),
        ),
      ),
    },
  },
  {
    method: 'post',
    path: '/api/admin/verifier-devices/{id}/revoke',
    operationId: 'revokeVerifierDevice',
    tag: 'verifier',
    summary: 'Revoke a verifier device: its token stops working at once',
    description:
      'Revoking a revoked device changes nothing and answers the first revocation time. Audited.',
    access: ['admin'],
    parameters: [ID_PARAMETER],
    body: NO_BODY,
    replies: {
      200: noStore('Revoked.', json(object({ id: integer(), revokedAt: SECONDS }))),
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },
  {
    method: 'post',
    path: `/api${PORTRAIT_PATH}`,
    operationId: 'verifierPortrait',
    tag: 'verifier',
    summary: 'The portrait of the licence a driver is presenting, for a police verifier device',
    description:
      "Authenticated by the device's bearer token alone: a session cookie is not read, and no CSRF token is asked for. The presentation is verified as a verifier would (issuer keys and status list of this service, holder proof at most 60 s old with 10 s tolerance, licence status and dates, at the service's clock); the freshly made QR is the driver's consent. The answer is the current portrait of the licence when its SHA-256 is the credential's `ph`. Every request of a registered device is audited (device, licence, outcome; never the photo).",
    access: 'verifier-device',
    body: jsonBody(portraitSchema, PORTRAIT_EXPECTED),
    replies: {
      200: noStore('The portrait, the JPEG whose SHA-256 (base64url) is `ph`.', {
        'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
      }),
    },
    errors: {
      403: ['ERR_PRESENTATION_NOT_VALID'],
      404: ['ERR_PORTRAIT_NOT_FOUND'],
      422: ['ERR_VALIDATION'],
      429: ['ERR_RATE_LIMITED'],
    },
  },

  // Lifecycle: the bodies are the zod schemas of lifecycle/routes.ts.
  ...(['suspend', 'revoke', 'cancel', 'restore', 'replace'] as const).map((action) =>
    lifecycleRoute(action, fromZod(plainBody, 'input', LIFECYCLE_EXPECTED), false),
  ),
  lifecycleRoute('points', fromZod(pointsBody, 'input', LIFECYCLE_EXPECTED), true),
  lifecycleRoute('renew', fromZod(renewBody, 'input', LIFECYCLE_EXPECTED), true),
  {
    method: 'get',
    path: '/api/audit',
    operationId: 'listAudit',
    tag: 'lifecycle',
    summary: 'The audit entries of one subject, oldest first',
    description:
      'Page on with `afterId`, the id of the last entry received. Unknown parameters are refused.',
    access: ['admin'],
    parameters: [
      {
        name: 'subject',
        in: 'query',
        required: true,
        description: 'A licence number, `staff:<id>`, `driver:<id>`, …',
        schema: { type: 'string', minLength: 1, maxLength: 64 },
      },
      { name: 'afterId', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: AUDIT_PAGE_MAX, default: AUDIT_PAGE_MAX },
      },
    ],
    replies: {
      200: {
        description: 'The entries.',
        content: json(
          object({
            entries: {
              type: 'array',
              items: object({
                id: integer(),
                at: SECONDS,
                actor: string('`staff:<id>`, `driver:<id>`, `cli` or `system`.'),
                action: string('For example `licence.suspend`.'),
                subject: string(),
                before: { description: 'The state before, or null.' },
                after: { description: 'The state after, or null.' },
              }),
            },
          }),
        ),
      },
    },
    errors: { 422: ['ERR_VALIDATION'] },
  },

  // The holder's API. The bodies are the (unexported) zod schemas of credentials/routes.ts.
  {
    method: 'post',
    path: '/api/me/devices',
    operationId: 'registerDevice',
    tag: 'credentials',
    summary: 'Register a holder device key',
    description: `Past ${MAX_DEVICES} devices, the oldest that does not hold the e-licence is retired (its credential requests are then 404); a retired device of the driver registering its key again comes back under its id.`,
    access: ['driver'],
    body: jsonBody(deviceSchema, DEVICE_EXPECTED),
    replies: {
      201: noStore('Registered.', json(object({ deviceId: integer() }))),
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_DEVICE_EXISTS'],
      422: ['ERR_VALIDATION', 'ERR_KEY_INVALID'],
    },
  },
  {
    method: 'get',
    path: '/api/me/devices',
    operationId: 'listDevices',
    tag: 'credentials',
    summary: "The driver's devices, oldest first, revoked ones included",
    access: ['driver'],
    replies: {
      200: noStore(
        'The devices.',
        json(
          object({
            devices: {
              type: 'array',
              items: object({
                deviceId: integer(),
                publicKey: string('base64url (JWK `x`).'),
                createdAt: SECONDS,
                revokedAt: nullable(SECONDS),
              }),
            },
          }),
        ),
      ),
    },
  },
  {
    method: 'post',
    path: '/api/me/devices/{id}/credential',
    operationId: 'issueCredential',
    tag: 'credentials',
    summary: "Issue the e-licence of the driver's licence to one of the driver's devices",
    description:
      "What the app calls on every refresh while online; no body. The device's live credential is returned as it is while it is current: signed by today's key, after the licence's last change (status, points, dates, portrait), less than CREDENTIAL_REFRESH_AFTER seconds (default a day) ago. Otherwise a new one is signed in the same status slot; a live credential of another device is superseded. The same Idempotency-Key from the same device returns the first answer again.",
    access: ['driver'],
    parameters: [
      { ...ID_PARAMETER, description: 'The device, from `POST /api/me/devices`.' },
      {
        name: IDEMPOTENCY_HEADER,
        in: 'header',
        required: false,
        description: `Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): ${IDEMPOTENCY_HEADER_EXPECTED}.`,
        schema: { type: 'string', pattern: '^"[A-Za-z0-9_.:-]{1,64}"$' },
      },
    ],
    replies: {
      201: noStore('Issued.', json(ref('IssuedCredential'))),
      200: noStore(
        "The device's live credential, still current; or, for an idempotent replay, the credential the first request made.",
        json(ref('IssuedCredential')),
      ),
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_APPLICATION_NOT_ISSUED', 'ERR_LICENCE_NOT_USABLE', 'ERR_CONCURRENT_ISSUANCE'],
      422: ['ERR_VALIDATION'],
    },
  },
  {
    method: 'get',
    path: '/api/me/credential',
    operationId: 'currentCredential',
    tag: 'credentials',
    summary: "The driver's live credential and the device it is bound to",
    access: ['driver'],
    replies: {
      200: noStore(
        'The live credential.',
        json({
          allOf: [ref('IssuedCredential'), object({ deviceId: integer() })],
        }),
      ),
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },

  // The e-licence application (docs/DOMAIN.md §1). Each route reads its own body.
  {
    method: 'get',
    path: '/api/me/application/paths',
    operationId: 'applicationPaths',
    tag: 'application',
    summary: 'The photo paths offered: stored only when the registry holds a compliant photo',
    description:
      'After an issue, a new application changes the photo: camera or album only, not before `notBefore` (PHOTO_CHANGE_INTERVAL_DAYS after the last issue). While the licence may not have an e-licence (suspended, revoked, expired, 12 points…), no path and `refusal` with the reason a start would be refused with.',
    access: ['driver'],
    replies: {
      200: noStore(
        'The paths.',
        json(
          object(
            {
              paths: { type: 'array', items: { enum: ['stored', 'camera', 'album'] } },
              photoChange: { type: 'boolean' },
              notBefore: nullable(SECONDS),
              refusal: object({ reason: { type: 'string' }, message: { type: 'string' } }),
            },
            ['refusal'],
          ),
        ),
      ),
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },
  {
    method: 'post',
    path: '/api/me/application',
    operationId: 'startApplication',
    tag: 'application',
    summary: 'Start an application on one path: a draft',
    access: ['driver'],
    body: jsonBody(startSchema, START_EXPECTED),
    replies: {
      201: noStore(
        'The draft.',
        json(object({ id: integer(), state: { const: 'draft' }, path: string() })),
      ),
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_LICENCE_NOT_USABLE', 'ERR_ILLEGAL_TRANSITION', 'ERR_PHOTO_CHANGE_TOO_SOON'],
      422: ['ERR_VALIDATION'],
    },
  },
  {
    method: 'post',
    path: '/api/me/application/abandon',
    operationId: 'abandonApplication',
    tag: 'application',
    summary: 'Abandon the open application, to start again (on another path)',
    description:
      'From draft, identity_failed, submitted (withdrawn from the review queue) or rejected; not while the real-person check runs.',
    access: ['driver'],
    body: NO_BODY,
    replies: {
      200: noStore('Abandoned.', json(object({ state: { const: 'abandoned' } }))),
    },
    errors: { 404: ['ERR_NOT_FOUND'], 409: ['ERR_ILLEGAL_TRANSITION'] },
  },
  {
    method: 'post',
    path: '/api/me/application/photo',
    operationId: 'submitApplicationPhoto',
    tag: 'application',
    summary: 'Submit the photo of a camera or album application for review',
    description: `The body is the image itself, at most ${MAX_PHOTO_BYTES} bytes. The automatic pre-check runs first; a photo that passes is stored without its metadata and the review is due one working day later. A rejected application is resubmitted this way.`,
    access: ['driver'],
    body: {
      parser: 'raw',
      required: true,
      content: {
        'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
        'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
      },
    },
    replies: {
      200: noStore(
        'Submitted for review.',
        json(
          object({
            state: { const: 'submitted' },
            deadline: SECONDS,
            deadlineProvisional: DEADLINE_PROVISIONAL,
          }),
        ),
      ),
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_LICENCE_NOT_USABLE', 'ERR_ILLEGAL_TRANSITION'],
      413: ['ERR_TOO_LARGE'],
      415: ['ERR_UNSUPPORTED_MEDIA_TYPE'],
      422: ['ERR_PHOTO_REJECTED'],
    },
  },
  {
    method: 'post',
    path: '/api/me/application/confirm-stored',
    operationId: 'confirmStoredPhoto',
    tag: 'application',
    summary:
      'Confirm the stored photo with a real-person check; on a match the e-licence is issued',
    access: ['driver'],
    body: jsonBody(confirmSchema, CONFIRM_EXPECTED),
    replies: {
      200: noStore('Issued.', json(object({ state: { const: 'issued' } }))),
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_LICENCE_NOT_USABLE', 'ERR_ILLEGAL_TRANSITION'],
      422: ['ERR_VALIDATION', 'ERR_IDENTITY_FAILED'],
      503: ['ERR_IDENTITY_UNAVAILABLE'],
    },
  },
  {
    method: 'get',
    path: '/api/me/application',
    operationId: 'currentApplication',
    tag: 'application',
    summary: "The driver's latest application: state, review deadline, rejection reason",
    access: ['driver'],
    replies: {
      200: noStore('The application.', json(ref('Application'))),
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/api/me/inbox',
    operationId: 'listInbox',
    tag: 'application',
    summary: "The driver's notices, newest first",
    access: ['driver'],
    replies: {
      200: noStore(
        'The notices.',
        json(
          object({
            entries: {
              type: 'array',
              items: object({
                id: integer(),
                at: SECONDS,
                kind: string(),
                title: string(),
                body: string(),
                readAt: nullable(SECONDS),
              }),
            },
          }),
        ),
      ),
    },
  },
  {
    method: 'post',
    path: '/api/me/inbox/{id}/read',
    operationId: 'markInboxRead',
    tag: 'application',
    summary: 'Mark a notice as read',
    access: ['driver'],
    parameters: [ID_PARAMETER],
    replies: { 204: { description: 'Read.' } },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/api/push/key',
    operationId: 'pushKey',
    tag: 'application',
    summary: "The VAPID public key (RFC 8292): the browser's applicationServerKey",
    access: 'public',
    replies: {
      200: {
        description: 'The key, base64url of the uncompressed P-256 point.',
        content: json(object({ publicKey: string() })),
      },
    },
  },
  {
    method: 'post',
    path: '/api/me/push-subscriptions',
    operationId: 'subscribePush',
    tag: 'application',
    summary: "Subscribe this browser to notices (the PushSubscription's toJSON())",
    description:
      'The endpoint must be an https: URL of a browser push service (PUSH_HOSTS: FCM, Mozilla, Apple, Windows by default). The same endpoint subscribed again replaces the old subscription. A subscription the push service says is gone, or that fails three notices in a row, is removed.',
    access: ['driver'],
    body: {
      parser: 'json',
      required: true,
      content: json(
        object({
          endpoint: string('https: URL of the push service'),
          expirationTime: nullable(integer()),
          keys: object({
            p256dh: string('P-256 public key, base64url of 65 bytes'),
            auth: string('auth secret, base64url of 16 bytes'),
          }),
        }),
      ),
    },
    replies: {
      201: noStore('Subscribed.', json(object({ id: integer() }))),
    },
    errors: { 422: ['ERR_PUSH_SUBSCRIPTION_INVALID'] },
  },
  {
    method: 'post',
    path: '/api/me/push-subscriptions/remove',
    operationId: 'unsubscribePush',
    tag: 'application',
    summary: 'Stop notices to one browser',
    access: ['driver'],
    body: jsonBody(unsubscribeSchema, UNSUBSCRIBE_EXPECTED),
    replies: { 204: { description: 'Removed.' } },
    errors: { 404: ['ERR_NOT_FOUND'], 422: ['ERR_VALIDATION'] },
  },
  {
    method: 'get',
    path: '/api/review/queue',
    operationId: 'reviewQueue',
    tag: 'application',
    summary: 'Submitted applications, the earliest deadline first',
    access: ['reviewer', 'admin'],
    replies: {
      200: noStore(
        'The queue.',
        json(
          object({
            applications: {
              type: 'array',
              items: object({
                id: integer(),
                path: { enum: ['camera', 'album'] },
                licenceNumber: string('Masked: the first 6 and last 4 characters only.'),
                submittedAt: nullable(SECONDS),
                deadline: nullable(SECONDS),
                deadlineProvisional: DEADLINE_PROVISIONAL,
                overdue: { type: 'boolean' },
              }),
            },
          }),
        ),
      ),
    },
  },
  {
    method: 'get',
    path: '/api/review/applications/{id}/photo',
    operationId: 'applicationPhoto',
    tag: 'application',
    summary: 'The photo of an application, JPEG',
    access: ['reviewer', 'admin'],
    parameters: [ID_PARAMETER],
    replies: {
      200: noStore('The photo.', {
        'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
      }),
    },
    errors: { 404: ['ERR_NOT_FOUND'], 422: ['ERR_VALIDATION'] },
  },
  {
    method: 'post',
    path: '/api/review/applications/{id}/approve',
    operationId: 'approveApplication',
    tag: 'application',
    summary: 'Approve a submitted photo: the e-licence is issued and the driver notified',
    access: ['reviewer', 'admin'],
    parameters: [ID_PARAMETER],
    body: NO_BODY,
    replies: {
      200: noStore('Issued.', json(object({ state: { const: 'issued' } }))),
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_LICENCE_NOT_USABLE', 'ERR_ILLEGAL_TRANSITION'],
      422: ['ERR_VALIDATION'],
    },
  },
  {
    method: 'post',
    path: '/api/review/applications/{id}/reject',
    operationId: 'rejectApplication',
    tag: 'application',
    summary: 'Reject a submitted photo with the reason the driver is shown',
    access: ['reviewer', 'admin'],
    parameters: [ID_PARAMETER],
    body: jsonBody(rejectSchema, REJECT_EXPECTED),
    replies: {
      200: noStore('Rejected.', json(object({ state: { const: 'rejected' } }))),
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_ILLEGAL_TRANSITION'],
      422: ['ERR_VALIDATION'],
    },
  },

  // The driver's own licence and the reviewer's view of one application (issuer/driver/,
  // issuer/review/): what the driver's app and the reviewers' console read.
  {
    method: 'get',
    path: '/api/me/licence',
    operationId: 'ownLicenceStatus',
    tag: 'credentials',
    summary: "The current status of the driver's licence, from the registry",
    description:
      'The app shows the QR in black when `usable`, in red otherwise; `reason` as in ERR_LICENCE_NOT_USABLE.',
    access: ['driver'],
    replies: {
      200: noStore(
        'The status.',
        json(
          object({
            status: { enum: Object.keys(LICENCE_STATUS) },
            label: object({ zh: string(), en: string() }),
            points: integer(),
            usable: { type: 'boolean' },
            reason: nullable({
              enum: [
                'expired',
                'not-yet-valid',
                'suspended',
                'revoked',
                'cancelled',
                'points-exceeded',
                'renewal-overdue',
                'not-normal',
              ],
            }),
            checkedAt: SECONDS,
          }),
        ),
      ),
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/api/me/portrait',
    operationId: 'ownPortrait',
    tag: 'credentials',
    summary: "The portrait of the driver's licence, JPEG (the credential's `ph` is its SHA-256)",
    access: ['driver'],
    replies: {
      200: {
        description: 'The portrait.',
        content: { 'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } } },
        headers: {
          'Cache-Control': NO_STORE,
          ETag: { description: 'The SHA-256 of the image, base64url, quoted.', schema: string() },
        },
      },
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/api/review/applications/{id}',
    operationId: 'reviewApplication',
    tag: 'application',
    summary: 'One application with its pre-check report and its audit trail',
    access: ['reviewer', 'admin'],
    parameters: [ID_PARAMETER],
    replies: {
      200: noStore(
        'The application.',
        json(
          object({
            id: integer(),
            path: { enum: ['stored', 'camera', 'album'] },
            state: string(),
            licenceNumber: string('Masked: the first 6 and last 4 characters only.'),
            submittedAt: nullable(SECONDS),
            deadline: nullable(SECONDS),
            deadlineProvisional: DEADLINE_PROVISIONAL,
            overdue: { type: 'boolean' },
            decidedAt: nullable(SECONDS),
            reviewerId: nullable(integer()),
            reason: nullable(string()),
            hasPhoto: { type: 'boolean' },
            precheck: nullable(
              object({ width: integer(), height: integer(), takenAt: nullable(SECONDS) }),
            ),
            audit: {
              type: 'array',
              description: 'Audit entries of subject `application:<id>`, oldest first.',
              items: object({
                at: SECONDS,
                actor: string('driver:<id>, staff:<id> or system.'),
                action: string(),
                before: {},
                after: {},
              }),
            },
          }),
        ),
      ),
    },
    errors: { 404: ['ERR_NOT_FOUND'], 422: ['ERR_VALIDATION'] },
  },
];

/** The route as an operation, with the errors, security and roles that follow from it. */
function operation(spec: RouteSpec): OpenApiOperation {
  const unsafe = spec.method !== 'get';
  // Only the API reads the session (and so checks CSRF); the routes at the root are public.
  const api = spec.path.startsWith('/api/');
  const access = spec.access;

  const errors = new Map<number, ErrorCode[]>();
  const add = (status: number, codes: readonly ErrorCode[]) => {
    const list = errors.get(status) ?? [];
    for (const code of codes) if (!list.includes(code)) list.push(code);
    errors.set(status, list);
  };
  for (const [status, codes] of Object.entries(spec.errors ?? {})) add(Number(status), codes ?? []);
  if (spec.body?.parser === 'json') {
    add(400, ['ERR_MALFORMED_JSON']);
    add(413, ['ERR_TOO_LARGE']);
    // Every string of a JSON body is checked for control characters as it is read.
    add(422, ['ERR_VALIDATION']);
  }
  // A body of another type or charset, or in a Content-Encoding the parsers do not undo.
  if (spec.body !== undefined) add(415, ['ERR_UNSUPPORTED_MEDIA_TYPE', 'ERR_UNSUPPORTED_ENCODING']);
  const bearer = access === 'verifier-device';
  if (bearer) add(401, ['ERR_VERIFIER_DEVICE_UNKNOWN']);
  else if (access !== 'public') {
    add(401, ['ERR_UNAUTHENTICATED']);
    if (!ROLES.every((role) => access.includes(role))) add(403, ['ERR_FORBIDDEN']);
  }
  // A bearer route never reads the session, so it never asks for its CSRF token.
  if (api && unsafe && !bearer) add(403, ['ERR_CSRF']);
  add(500, ['ERR_INTERNAL']);

  const responses: Record<string, JsonObject> = {};
  for (const [status, reply] of Object.entries(spec.replies)) responses[status] = { ...reply };
  for (const [status, codes] of [...errors].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: codes.map((code) => `- \`${code}\`: ${CODES[code]}`).join('\n'),
      ...(status === 429
        ? {
            headers: {
              'Retry-After': {
                description: 'Seconds to wait (RFC 9110 §10.2.3).',
                schema: { type: 'integer' },
              },
            },
          }
        : {}),
      content: {
        'application/problem+json': {
          schema: {
            allOf: [
              ref('Problem'),
              {
                properties: {
                  status: { const: status },
                  code: { enum: codes },
                },
              },
            ],
          },
        },
      },
    };
  }

  // A signed-in client sends its CSRF token on unsafe requests, even to public routes.
  const withCsrf = { session: [], csrf: [] };
  const security = bearer
    ? [{ verifierDevice: [] }]
    : access === 'public'
      ? api && unsafe
        ? [{}, withCsrf]
        : []
      : [unsafe ? withCsrf : { session: [] }];

  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    tags: [spec.tag],
    'x-roles':
      access === 'public' || access === 'verifier-device'
        ? [access]
        : ROLES.filter((role) => access.includes(role)),
    security,
    ...(spec.parameters === undefined ? {} : { parameters: spec.parameters }),
    ...(spec.body === undefined
      ? {}
      : { requestBody: { required: spec.body.required, content: spec.body.content } }),
    responses,
  };
}

function build(publicUrl: string): OpenApiDocument {
  const paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>> = {};
  for (const spec of ROUTES) {
    const item = (paths[spec.path] ??= {});
    if (item[spec.method] !== undefined)
      throw new Error(`openapi: ${spec.method} ${spec.path} is described twice`);
    item[spec.method] = operation(spec);
  }
  return {
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
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: `Set by POST /api/session; HttpOnly, Secure, SameSite=Strict, ${SESSION_LIFETIME} seconds.`,
        },
        verifierDevice: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The token of a registered police verifier device (POST /api/admin/verifier-devices), shown once at registration (RFC 6750).',
        },
        csrf: {
          type: 'apiKey',
          in: 'header',
          name: CSRF_HEADER,
          description:
            "The session's CSRF token (from POST /api/session or GET /api/me), required on every POST, PUT, PATCH and DELETE of a signed-in client.",
        },
      },
    },
  };
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
