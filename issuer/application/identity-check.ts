import type { GatewaySettings } from '../config.js';
import { createDevIdentityCheck } from './identity-check-dev.js';
import { createHttpIdentityCheck, type HttpIdentityCheckOptions } from './identity-check-http.js';

/**
 * The real-person check (实人认证, docs/DOMAIN.md §1.4, flow 1): liveness plus a match of a selfie
 * against the registry photo, done by an external government service. This file is the port;
 * `identity-check-http.ts` and `identity-check-dev.ts` are the adapters. docs/IDENTITY-CHECK.md
 * describes both and what each outcome means for the driver.
 */

/**
 * Why a check is made: binding a licence to an account (and taking it over), recovering an
 * account, or issuing on the stored-photo path. The same outcomes mean the same in each.
 */
export type IdentityCheckPurpose = 'binding' | 'recovery' | 'stored_photo';

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
  /** Sent to the provider, which may apply its own rules per purpose. Default `stored_photo`. */
  readonly purpose?: IdentityCheckPurpose;
}

/** The identity photo of the public-security source, for one reviewer's look. Never stored. */
export type ReferencePhotoResult =
  | { readonly outcome: 'found'; /** JPEG. */ readonly photo: Uint8Array }
  | { readonly outcome: 'not_found' }
  | IdentityCheckUnavailable;

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
  /**
   * The identity photo the source holds for this person, for a reviewer comparing faces. The
   * caller shows it once and keeps nothing of it (no file, no log, no cache).
   */
  referencePhoto(request: {
    readonly licenceNumber: string;
    readonly name: string;
    readonly requestId: string;
  }): Promise<ReferencePhotoResult>;
}

/**
 * The adapter `settings` name (`loadConfig` read and checked them: production never names the
 * development one), telling `logger` of each attempt that failed (a request id, never a person).
 */
export function createIdentityCheck(
  settings: GatewaySettings,
  logger: NonNullable<HttpIdentityCheckOptions['logger']>,
): IdentityCheck {
  if (settings.kind === 'development') return createDevIdentityCheck();
  const { endpoint, appId, secret } = settings;
  return createHttpIdentityCheck({
    endpoint,
    appId,
    secret,
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    logger,
  });
}
