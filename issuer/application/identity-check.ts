import { z } from 'zod';
import { ConfigError } from '../config.js';
import { createDevIdentityCheck } from './identity-check-dev.js';
import { createHttpIdentityCheck } from './identity-check-http.js';

/**
 * The real-person check (实人认证, docs/DOMAIN.md §1.4, flow 1): liveness plus a match of a selfie
 * against the registry photo, done by an external government service. This file is the port;
 * `identity-check-http.ts` and `identity-check-dev.ts` are the adapters. docs/IDENTITY-CHECK.md
 * describes both and what each outcome means for the driver.
 */

/** One check. Every field is personal data except `requestId`: none of them is ever logged. */
export interface IdentityCheckRequest {
  /** The 18-character licence number (= citizen ID number). */
  readonly licenceNumber: string;
  /** The name as held by the registry. */
  readonly name: string;
  /** The selfie taken in the app, JPEG. */
  readonly selfie: Uint8Array;
  /** Our id of this check, echoed by the provider; safe to log. `[A-Za-z0-9._:-]{1,128}`. */
  readonly requestId: string;
}

/** The selfie is the registered person and alive. */
export interface IdentityCheckMatch {
  readonly outcome: 'match';
  /** The provider's similarity score, as it reports it (scale to be confirmed, 0–100). */
  readonly score: number;
  /** The provider's reference of this check, kept for audit. */
  readonly providerRef: string;
}

/** A final answer for this attempt: the person does not match, or liveness failed. The driver may try again. */
export interface IdentityCheckRejected {
  readonly outcome: 'mismatch' | 'liveness_failed';
}

/** No answer could be had; nothing is known about the person. Retryable later. */
export interface IdentityCheckUnavailable {
  readonly outcome: 'unavailable';
  /** `timeout`: no answer in time; `provider_down`: not reachable; `provider_error`: an answer we cannot use. */
  readonly reason: 'timeout' | 'provider_error' | 'provider_down';
  readonly retryable: true;
}

/** Result of {@link IdentityCheck.verify}. Only `match` lets an e-licence be issued. */
export type IdentityCheckResult =
  IdentityCheckMatch | IdentityCheckRejected | IdentityCheckUnavailable;

/** The port. */
export interface IdentityCheck {
  /** Which adapter this is (`http`, `development`), for logs and the health page. */
  readonly name: string;
  /**
   * Checks one selfie. Never rejects for a provider failure (that is `unavailable`), and never
   * answers `match` for anything unclear: fail closed.
   * @throws {TypeError} when the request itself is malformed (a caller mistake).
   */
  verify(request: IdentityCheckRequest): Promise<IdentityCheckResult>;
}

const MIN_SECRET_LENGTH = 32;

const schema = z.object({
  IDENTITY_CHECK: z.enum(['http', 'development']).optional(),
  IDENTITY_CHECK_URL: z
    .url({ protocol: /^https$/ })
    .refine(
      (u) => new URL(u).username === '' && new URL(u).password === '',
      'no credentials in the URL',
    )
    .optional(),
  IDENTITY_CHECK_APP_ID: z.string().min(1).optional(),
  IDENTITY_CHECK_SECRET: z.string().min(MIN_SECRET_LENGTH).optional(),
  IDENTITY_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).optional(),
});

const REQUIRED_FOR_HTTP = [
  ['IDENTITY_CHECK_URL', 'an https:// URL'],
  ['IDENTITY_CHECK_APP_ID', 'the application id given by the provider'],
  [
    'IDENTITY_CHECK_SECRET',
    `the signing secret given by the provider, at least ${MIN_SECRET_LENGTH} characters`,
  ],
] as const;

/** What a bad value is shown as: never a secret, never URL credentials. */
function found(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name];
  if (value === undefined) return 'nothing';
  if (name === 'IDENTITY_CHECK_SECRET') return `a value of ${value.length} characters`;
  if (name === 'IDENTITY_CHECK_URL' && value.includes('@')) return 'a URL with credentials';
  return JSON.stringify(value);
}

function fail(lines: readonly string[]): never {
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

/**
 * Builds the identity check named by the environment:
 * `IDENTITY_CHECK` = `http` | `development` (default `development` outside production);
 * with `http`: `IDENTITY_CHECK_URL`, `IDENTITY_CHECK_APP_ID`, `IDENTITY_CHECK_SECRET` (at least
 * 32 characters) and optionally `IDENTITY_CHECK_TIMEOUT_MS`. Production refuses the development
 * adapter, which would let licences be issued without a real check.
 * @throws {ConfigError} naming each bad variable, with what was expected and what was found
 *   (never a secret's value).
 */
export function identityCheckFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly production: boolean },
): IdentityCheck {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    fail(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '');
        return `${name}: expected ${i.message.replace(/^Invalid (input|string): /i, '')}, found ${found(env, name)}`;
      }),
    );
  }
  const e = parsed.data;
  const kind = e.IDENTITY_CHECK ?? (options.production ? undefined : 'development');
  if (kind !== 'http') {
    if (options.production) {
      fail([
        `IDENTITY_CHECK: expected http in production (the development adapter issues licences without a real check), found ${e.IDENTITY_CHECK ?? 'nothing'}`,
      ]);
    }
    return createDevIdentityCheck();
  }
  const missing = REQUIRED_FOR_HTTP.filter(([name]) => e[name] === undefined);
  if (missing.length > 0) {
    fail(
      missing.map(
        ([name, what]) => `${name}: expected ${what} (IDENTITY_CHECK=http), found nothing`,
      ),
    );
  }
  const {
    IDENTITY_CHECK_URL: endpoint,
    IDENTITY_CHECK_APP_ID: appId,
    IDENTITY_CHECK_SECRET: secret,
  } = e;
  // Checked just above; the narrowing does not survive the filter.
  if (endpoint === undefined || appId === undefined || secret === undefined)
    throw new Error('unreachable');
  return createHttpIdentityCheck({
    endpoint,
    appId,
    secret,
    ...(e.IDENTITY_CHECK_TIMEOUT_MS === undefined
      ? {}
      : { timeoutMs: e.IDENTITY_CHECK_TIMEOUT_MS }),
  });
}
