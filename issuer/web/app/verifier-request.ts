/*
 * A verifier's request, checked on the phone (FORMAT.md §9.2), without the DOM: the authority's
 * keys and the verifier status lists as the phone keeps them, turned into a trust store and
 * verified lists; a request read against them; and the refusal's reason as a message key. The
 * phone checks offline: what it keeps is fetched whenever it is online (authority.ts).
 */
import type { CryptoBackend } from '../../../shared/crypto-backend.js';
/** Who asks, in words (roles.ts: light, for the screens loaded before this one). */
export { ROLE_MESSAGE } from './roles.js';
import { REQUEST_PREFIX } from '../../../shared/request/prefix.js';
import {
  RequestError,
  verifyRequest,
  type CertificateStatusList,
  type RequestErrorCode,
  type VerifiedRequest,
} from '../../../shared/request/request.js';
import { createTrustStore, type TrustStore } from '../../../verifier/trust-store.js';
import { verifyStatusList } from '../../../verifier/verify-status-list.js';

/** What the phone keeps of the authority: its JWKS, and when it was fetched (ms). */
export interface KeptAuthority {
  readonly jwks: unknown;
  readonly at: number;
}

/** The verifier status lists the phone keeps, as signed, and when they were fetched (ms). */
export interface KeptVerifierLists {
  /** Each list's token (statuslist+jwt), verified before it was kept. */
  readonly tokens: readonly string[];
  readonly at: number;
}

/** Why the phone does not offer to answer: a request's refusal, or the phone's own reasons. */
export type RefusalCode =
  | RequestErrorCode
  /** What was scanned is another kind of code (a licence code, a web address…). */
  | 'ERR_REQUEST_NOT_A_REQUEST'
  /** The phone never kept the authority's keys: it must go online once. */
  | 'ERR_REQUEST_NO_KEYS';

/**
 * The message key of each refusal. A Record, so that a new RequestErrorCode fails to compile
 * here until it has words (the catalogue's test checks the words themselves).
 */
export const REFUSAL_MESSAGE: Readonly<Record<RefusalCode, `err_${RefusalCode}`>> = {
  ERR_REQUEST_MALFORMED: 'err_ERR_REQUEST_MALFORMED',
  ERR_REQUEST_UNKNOWN_AUTHORITY: 'err_ERR_REQUEST_UNKNOWN_AUTHORITY',
  ERR_REQUEST_CERT_SIGNATURE: 'err_ERR_REQUEST_CERT_SIGNATURE',
  ERR_REQUEST_CERT_INVALID: 'err_ERR_REQUEST_CERT_INVALID',
  ERR_REQUEST_CERT_EXPIRED: 'err_ERR_REQUEST_CERT_EXPIRED',
  ERR_REQUEST_CERT_NOT_YET_VALID: 'err_ERR_REQUEST_CERT_NOT_YET_VALID',
  ERR_REQUEST_CERT_REVOKED: 'err_ERR_REQUEST_CERT_REVOKED',
  ERR_REQUEST_SIGNATURE: 'err_ERR_REQUEST_SIGNATURE',
  ERR_REQUEST_BEYOND_ROLE: 'err_ERR_REQUEST_BEYOND_ROLE',
  ERR_REQUEST_EXPIRED: 'err_ERR_REQUEST_EXPIRED',
  ERR_REQUEST_NOT_YET_VALID: 'err_ERR_REQUEST_NOT_YET_VALID',
  ERR_REQUEST_NOT_A_REQUEST: 'err_ERR_REQUEST_NOT_A_REQUEST',
  ERR_REQUEST_NO_KEYS: 'err_ERR_REQUEST_NO_KEYS',
};

/** The outcome of reading a scanned code as a request. */
export type RequestCheck =
  | { readonly ok: true; readonly request: VerifiedRequest }
  | { readonly ok: false; readonly code: RefusalCode };

/**
 * The verifier status lists among `tokens` that verify with `trust` and have not expired at
 * `now` (seconds), by the URI each was signed for (its `sub`). A list that does not verify, or
 * is out of date, is left out: the certificate's status then counts as not checked.
 */
export function verifiedLists(
  tokens: readonly string[],
  trust: TrustStore,
  now: number,
): Map<string, CertificateStatusList> {
  const lists = new Map<string, CertificateStatusList>();
  for (const token of tokens) {
    try {
      const list = verifyStatusList(token, trust);
      if (list.exp !== undefined && now >= list.exp) continue;
      lists.set(list.uri, { uri: list.uri, bits: list.bits, list: list.list });
    } catch {
      // Not kept as checked: the status stays unchecked, which the phone says.
    }
  }
  return lists;
}

/**
 * Reads `text` as a verifier's request against what the phone keeps: the authority's JWKS, and
 * the verifier lists when it has them. Never throws for what was scanned.
 */
export function checkRequest(
  text: string,
  kept: { readonly authority?: KeptAuthority; readonly lists?: KeptVerifierLists },
  now: Date,
  backend: CryptoBackend,
): RequestCheck {
  if (!text.startsWith(REQUEST_PREFIX)) return { ok: false, code: 'ERR_REQUEST_NOT_A_REQUEST' };
  if (kept.authority === undefined) return { ok: false, code: 'ERR_REQUEST_NO_KEYS' };
  let trust: TrustStore;
  try {
    trust = createTrustStore([kept.authority.jwks], backend);
  } catch {
    return { ok: false, code: 'ERR_REQUEST_NO_KEYS' };
  }
  const statusLists = verifiedLists(
    kept.lists?.tokens ?? [],
    trust,
    Math.floor(now.getTime() / 1000),
  );
  try {
    return { ok: true, request: verifyRequest(text, { keys: trust, now, statusLists }) };
  } catch (error) {
    if (error instanceof RequestError) return { ok: false, code: error.code };
    return { ok: false, code: 'ERR_REQUEST_MALFORMED' };
  }
}
