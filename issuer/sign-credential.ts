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
import { chinaDate } from '../shared/china-time.js';
import {
  canonicalCredentialHeaderV2,
  disclosuresOf,
  toWireClaimsV2,
  type IssuedCredentialV2,
} from '../shared/sd/credential-v2.js';
import { SEED_BYTES } from '../shared/sd/disclosure.js';
import { ageFlagsChangeAt, groupValuesOf } from '../shared/sd/groups.js';
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
 * Signs a licence as a credential of format version 2 (FORMAT.md §8), what the service issues:
 * the compact JWS (`typ` lzdl+sd-jwt, `kid` the signer's RFC 7638 thumbprint, the root of the
 * digest tree of the six groups in `sd`) and the holder's copy the phone keeps and presents from
 * (§8.4: the JWS, the seed of its salts and the values). The seed comes from the CSPRNG, new for
 * every credential, unless one is given (tests). `exp` is
 * {@link credentialExpiry}: also capped where an age flag would change.
 * @throws {LicenceError} `ERR_LICENCE_INVALID` when the licence may not be used on `now`
 *   (shared/usability.ts: its dates, its status, its points): no credential for a licence that
 *   cannot be used.
 * @throws {RangeError} on a bad lifetime, clock or seed.
 */
export async function signCredentialV2(
  request: IssueRequest,
  signer: Pick<Signer, 'kid' | 'sign'>,
  seed: Uint8Array = randomBytes(SEED_BYTES),
): Promise<IssuedCredentialV2> {
  const claims = claimsOf(request, credentialExpiry);
  if (seed.length !== SEED_BYTES) throw new RangeError(`seed: expected ${SEED_BYTES} bytes`);
  // What issueCredentialV2 (shared/sd/credential-v2.ts) does, compressed with Node's zlib as
  // version 1 is: fflate's DEFLATE with the preset dictionary takes some 20 ms a payload, which
  // bulk re-issue cannot afford. Any DEFLATE stream of the same text verifies alike.
  const values = groupValuesOf(
    claims.licence,
    claims.portraitHash,
    chinaDate(new Date(claims.iat * 1000)),
  );
  const wire = toWireClaimsV2({
    iss: claims.iss,
    iat: claims.iat,
    nbf: claims.nbf,
    exp: claims.exp,
    jti: claims.jti,
    holderKey: claims.holderKey,
    status: claims.status,
    sd: disclosuresOf(values, seed).root,
  });
  const payload = deflateRawSync(Buffer.from(JSON.stringify(wire)), {
    level: 9,
    dictionary: CLAIMS_DICTIONARY,
  });
  const header = Buffer.from(canonicalCredentialHeaderV2(signer.kid)).toString('base64url');
  const signingInput = `${header}.${payload.toString('base64url')}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  const credential = `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
  const seedText = Buffer.from(seed).toString('base64url');
  const valuesText = Buffer.from(JSON.stringify(values)).toString('base64url');
  return { credential, holderCopy: `${credential}~${seedText}~${valuesText}` };
}

/**
 * Signs a licence as a credential of format version 1 (FORMAT.md §3: `typ` lzdl+jwt, the whole
 * licence record in the payload), with the same checks as {@link signCredentialV2} and `exp`
 * capped at the licence's last valid day only. The service no longer issues version 1; this is
 * kept for the version 1 reference vectors and the tests of verifiers that still accept it.
 * @throws {LicenceError} `ERR_LICENCE_INVALID` as signCredentialV2.
 * @throws {RangeError} on a bad lifetime or clock.
 */
export async function signCredential(request: IssueRequest, signer: Signer): Promise<string> {
  const claims = claimsOf(request, licenceExpiry);
  const header = canonicalCredentialHeader(signer.kid);
  const payload = deflateRawSync(Buffer.from(JSON.stringify(toWireClaims(claims))), {
    level: 9,
    dictionary: CLAIMS_DICTIONARY,
  });
  const signingInput = `${Buffer.from(header).toString('base64url')}.${payload.toString('base64url')}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/** The claims of a request, once the licence may be used and the lifetime and clock are sound. */
function claimsOf(
  request: IssueRequest,
  expiry: (licence: LicenceRecord, iat: number, validDays: number) => number,
): CredentialClaimsInput {
  const { licence, now } = request;
  if (!Number.isInteger(request.validDays) || request.validDays < 1 || request.validDays > 3660) {
    throw new RangeError(`validDays: expected an integer 1-3660, found ${request.validDays}`);
  }
  const iat = Math.floor(now.getTime() / 1000);
  if (!Number.isSafeInteger(iat) || iat < 0)
    throw new RangeError('now: expected a valid date after 1970');
  const refusal = unusableAt(licence, now);
  if (refusal !== undefined) throw new LicenceError('ERR_LICENCE_INVALID', refusal.message);
  return {
    iss: request.issuer,
    iat,
    nbf: iat,
    exp: expiry(licence, iat, request.validDays),
    jti: request.jti ?? randomBytes(12).toString('base64url'),
    holderKey: request.holderKey,
    status: request.status,
    ...(request.portraitHash === undefined ? {} : { portraitHash: request.portraitHash }),
    licence,
  };
}

/**
 * The `exp` of a credential signed at `iat` (version 2): `validDays` later, capped at the end of
 * the licence's last valid day in China time and at 00:00 China time of the holder's next 18th
 * or 60th birthday (FORMAT.md §8.2), so that an age flag is never stale while the credential is
 * valid. Issuance records it without reading the token back.
 */
export function credentialExpiry(
  licence: Pick<LicenceRecord, 'validTo' | 'birthDate'>,
  iat: number,
  validDays: number,
): number {
  const exp = licenceExpiry(licence, iat, validDays);
  const flagsChange = ageFlagsChangeAt(licence.birthDate, iat);
  return flagsChange === undefined ? exp : Math.min(exp, flagsChange);
}

/** `validDays` after `iat`, capped at the end of the licence's last valid day, China time. */
function licenceExpiry(
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
