import { checkJoseHeader, parseCompactJws } from '../shared/compact-jws.js';
import { STATUS_LIST_TYP } from '../shared/credential.js';
import { LicenceError } from '../shared/errors.js';
import { decodeBase64url } from '../shared/base64url.js';
import { decodeUtf8, parseJsonObject } from '../shared/utf8.js';
import type { StatusBits } from '../shared/status-list.js';
import type { TrustStore } from './trust-store.js';

/** Ceiling on an inflated list: 2^27 two-bit entries, far beyond one authority's list. */
export const MAX_STATUS_LIST_BYTES = 1 << 25;

/** A status list whose signature has passed. */
export interface VerifiedStatusList {
  readonly uri: string;
  readonly iat: number;
  readonly exp?: number;
  readonly ttl?: number;
  readonly bits: StatusBits;
  /** The packed list, inflated. */
  readonly list: Uint8Array;
}

const isSeconds = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Verifies a status list token (IETF Token Status List §5, §8.3): header rules and `typ`
 * statuslist+jwt, a trusted key by thumbprint, the signature, then the claims `sub`, `iat`,
 * `exp`, `ttl`, `status_list.bits` and `status_list.lst` (zlib, bounded). Whether it is fresh
 * enough is the caller's policy, at the time of use.
 * @throws {LicenceError} with the code of the first rule broken.
 */
export function verifyStatusList(token: string, trust: TrustStore): VerifiedStatusList {
  const jws = parseCompactJws(token, 'status list');
  checkJoseHeader(jws.header, { typ: STATUS_LIST_TYP, what: 'status list' });
  const kid = jws.header.kid;
  const trusted = typeof kid === 'string' ? trust.byThumbprint(kid) : undefined;
  if (trusted === undefined)
    throw new LicenceError(
      'ERR_UNKNOWN_ISSUER',
      'status list: expected a kid naming a trusted key, found none that does',
    );
  if (!trust.backend.verify(trusted.key, jws.signingInput, jws.signature)) {
    throw new LicenceError('ERR_BAD_SIGNATURE', 'status list: signature does not verify');
  }
  const claims = parseJsonObject(
    decodeUtf8(jws.payloadBytes, 'status list payload'),
    'status list payload',
  );
  const { sub, iat, exp, ttl, status_list: sl } = claims;
  if (typeof sub !== 'string' || sub === '') throw invalid('sub: expected the list URI');
  if (!isSeconds(iat)) throw invalid('iat: expected seconds since the epoch');
  if (exp !== undefined && !isSeconds(exp)) throw invalid('exp: expected seconds since the epoch');
  if (ttl !== undefined && !isSeconds(ttl)) throw invalid('ttl: expected seconds');
  if (typeof sl !== 'object' || sl === null) throw invalid('status_list: expected an object');
  const { bits, lst } = sl as Record<string, unknown>;
  if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8)
    throw invalid(`status_list.bits: expected 1, 2, 4 or 8, found ${String(bits)}`);
  if (typeof lst !== 'string') throw invalid('status_list.lst: expected base64url');
  const list = trust.backend.inflate(
    decodeBase64url(lst, 'status_list.lst'),
    'zlib',
    MAX_STATUS_LIST_BYTES,
  );
  return {
    uri: sub,
    iat,
    bits,
    list,
    ...(exp === undefined ? {} : { exp }),
    ...(ttl === undefined ? {} : { ttl }),
  };
}

function invalid(message: string): LicenceError {
  return new LicenceError('ERR_CLAIMS_INVALID', `status list ${message}`);
}
