import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { CLAIMS_DICTIONARY } from '../shared/claims-dictionary.js';
import {
  canonicalCredentialHeader,
  toWireClaims,
  type CredentialClaimsInput,
} from '../shared/credential.js';
import type { Signer } from '../shared/crypto-backend.js';
import { LicenceError } from '../shared/errors.js';
import { type LicenceRecord } from '../shared/licence/record.js';
import { unusableAt } from '../shared/usability.js';

const DAY = 86_400;
/** China Standard Time, UTC+8, no daylight saving. */
const CHINA_OFFSET = 8 * 3600;

/** What the authority decides when it issues a credential. */
export interface IssueRequest {
  readonly licence: LicenceRecord;
  /** The holder's device public key, base64url of 32 bytes (JWK `x`). */
  readonly holderKey: string;
  /** The issuer identifier, `iss`. */
  readonly issuer: string;
  readonly status: { readonly idx: number; readonly uri: string };
  readonly portraitHash?: string;
  readonly now: Date;
  /** Credential lifetime in days; capped at the end of the licence's last valid day. */
  readonly validDays: number;
  /** A unique id; random 96 bits when omitted. */
  readonly jti?: string;
}

/**
 * Signs a licence as a credential: compact JWS, EdDSA, `typ` lzdl+jwt, `kid` the signer's
 * RFC 7638 thumbprint, payload raw DEFLATE with the claims dictionary (FORMAT.md §3).
 * @throws {LicenceError} `ERR_LICENCE_INVALID` when the licence may not be used on `now`
 *   (shared/usability.ts: its dates, its status, its points): no credential for a licence that
 *   cannot be used.
 * @throws {RangeError} on a bad lifetime or clock.
 */
export async function signCredential(request: IssueRequest, signer: Signer): Promise<string> {
  const { licence, now } = request;
  if (!Number.isInteger(request.validDays) || request.validDays < 1 || request.validDays > 3660) {
    throw new RangeError(`validDays: expected an integer 1-3660, found ${request.validDays}`);
  }
  const iat = Math.floor(now.getTime() / 1000);
  if (!Number.isSafeInteger(iat) || iat < 0)
    throw new RangeError('now: expected a valid date after 1970');
  const refusal = unusableAt(licence, now);
  if (refusal !== undefined) throw new LicenceError('ERR_LICENCE_INVALID', refusal.message);
  const exp = credentialExpiry(licence, iat, request.validDays);
  const claims: CredentialClaimsInput = {
    iss: request.issuer,
    iat,
    nbf: iat,
    exp,
    jti: request.jti ?? randomBytes(12).toString('base64url'),
    holderKey: request.holderKey,
    status: request.status,
    ...(request.portraitHash === undefined ? {} : { portraitHash: request.portraitHash }),
    licence,
  };
  const header = canonicalCredentialHeader(signer.kid);
  const payload = deflateRawSync(Buffer.from(JSON.stringify(toWireClaims(claims))), {
    level: 9,
    dictionary: CLAIMS_DICTIONARY,
  });
  const signingInput = `${Buffer.from(header).toString('base64url')}.${payload.toString('base64url')}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/**
 * The `exp` of a credential signed at `iat`: `validDays` later, capped at the end of the
 * licence's last valid day in China time. Issuance records it without reading the token back.
 */
export function credentialExpiry(
  licence: Pick<LicenceRecord, 'validTo'>,
  iat: number,
  validDays: number,
): number {
  const exp = iat + validDays * DAY;
  if (licence.validTo === 'long-term') return exp;
  // The end of the last valid day, China time.
  const lastDay = Date.parse(`${licence.validTo}T00:00:00Z`) / 1000 - CHINA_OFFSET + DAY;
  return Math.min(exp, lastDay);
}
