/**
 * Verifier certificates (FORMAT.md §9.1): the authority's signed statement that a device's key
 * belongs to an organisation acting in one role, and which groups that role may ask a holder for.
 */
import { deflateSync } from 'fflate';
import { z } from 'zod';
import { encodeBase64url } from '../base64url.js';
import { CLAIMS_DICTIONARY } from '../claims-dictionary.js';
import type { CryptoBackend, Signer } from '../crypto-backend.js';
import { LicenceError } from '../errors.js';
import * as common from '../internal/credential-claims.js';
import { GROUP_COUNT, type GroupIndex } from '../sd/groups.js';
import { TEXT_EXPECTED, textFault } from '../text.js';
import { decodeUtf8, parseJsonObject, utf8 } from '../utf8.js';
import { MAX_ORG_LENGTH, ROLE_NAMES, ROLES, type Role } from './roles.js';

/** `typ` of a verifier certificate; its payload is raw DEFLATE with the claims dictionary. */
export const VERIFIER_CERT_TYP = 'lzvc+jwt';
/** Ceiling on a certificate's inflated payload. */
export const MAX_CERT_PAYLOAD = 1024;
export { MAX_ORG_LENGTH, ROLE_NAMES, ROLES, type Role };

/** The certificate header in its one canonical serialisation. */
export function canonicalCertificateHeader(kid: string): string {
  return `{"alg":"EdDSA","kid":"${kid}","typ":"${VERIFIER_CERT_TYP}"}`;
}

const groupList = z
  .array(
    z
      .number()
      .int()
      .min(0)
      .max(GROUP_COUNT - 1),
  )
  .min(1);

/** The certificate claims as they travel: closed, members in this order. */
export const certificateClaimsSchema = z
  .object({
    ...common.claimsShape(common.base64urlOfLength(43)),
    org: z.string().min(1).max(MAX_ORG_LENGTH),
    role: z.enum(ROLE_NAMES),
    may: groupList,
  })
  .strict();

type WireCertificate = z.infer<typeof certificateClaimsSchema>;

/** A verifier certificate's claims, decoded and checked. */
export interface VerifierCertificate extends common.CommonClaims {
  /** The organisation's name, as the holder will read it. */
  readonly org: string;
  readonly role: Role;
  /** The groups this verifier may ask for: strictly increasing, within its role's. */
  readonly may: readonly GroupIndex[];
}

/**
 * Checks a certificate's `may` against its role: strictly increasing, none beyond the role's.
 * @throws {LicenceError} `ERR_CLAIMS_INVALID`.
 */
function checkMay(role: Role, may: readonly number[]): GroupIndex[] {
  const allowed: readonly number[] = ROLES[role];
  may.forEach((g, i) => {
    if (i > 0 && g <= (may[i - 1] as number))
      throw new LicenceError(
        'ERR_CLAIMS_INVALID',
        `certificate may: expected strictly increasing group indices, found ${may.join(',')}`,
      );
    if (!allowed.includes(g))
      throw new LicenceError(
        'ERR_CLAIMS_INVALID',
        `certificate may: group ${g} is beyond role ${role} (${allowed.join(',')})`,
      );
  });
  return may as GroupIndex[];
}

/**
 * Signs a verifier certificate: the compact JWS of the claims, their payload raw DEFLATE with
 * the claims dictionary. The authority's part; checks the claims as a verifier would.
 * @throws {RangeError} on claims the format refuses.
 */
export async function signVerifierCertificate(
  claims: VerifierCertificate,
  signer: Pick<Signer, 'kid' | 'sign'>,
): Promise<string> {
  const wire: WireCertificate = {
    ...common.toWire(claims),
    org: claims.org,
    role: claims.role,
    may: [...claims.may],
  };
  try {
    fromWireCertificate(JSON.parse(JSON.stringify(wire)) as Record<string, unknown>);
  } catch (error) {
    throw new RangeError(error instanceof Error ? error.message : 'certificate claims invalid', {
      cause: error,
    });
  }
  // fflate's hash table at `mem` 4 (2^16 entries): for a payload of a few hundred bytes and the
  // dictionary it writes the same bytes as the largest (`mem` 12, 2^24 entries zeroed on every
  // call, 5-10 ms a signature in Node) did for 600 licences tried, at a tenth of a millisecond.
  const payload = deflateSync(utf8(JSON.stringify(wire)), {
    level: 9,
    mem: 4,
    dictionary: CLAIMS_DICTIONARY,
  });
  const signingInput = `${encodeBase64url(utf8(canonicalCertificateHeader(signer.kid)))}.${encodeBase64url(payload)}`;
  const signature = await signer.sign(utf8(signingInput));
  return `${signingInput}.${encodeBase64url(signature)}`;
}

/**
 * Checks decoded certificate claims. Call only after the authority's signature has passed.
 * @throws {LicenceError} `ERR_CLAIMS_INVALID`.
 */
export function fromWireCertificate(value: Record<string, unknown>): VerifierCertificate {
  const w = common.parseClaims(certificateClaimsSchema, value);
  common.checkTimes(w);
  if (w.org !== w.org.trim())
    throw new LicenceError(
      'ERR_CLAIMS_INVALID',
      'certificate org: expected no whitespace at its start or end, found some',
    );
  const fault = textFault(w.org);
  if (fault !== undefined)
    throw new LicenceError(
      'ERR_CLAIMS_INVALID',
      `certificate org: expected ${TEXT_EXPECTED}, found ${fault}`,
    );
  return { ...common.fromWire(w), org: w.org, role: w.role, may: checkMay(w.role, w.may) };
}

/**
 * The claims of a certificate payload (raw DEFLATE), inflated with the backend's bounded inflate
 * and checked.
 * @throws {LicenceError} `ERR_CLAIMS_INVALID`, `ERR_TOO_LARGE`.
 */
export function readCertificatePayload(
  payload: Uint8Array,
  backend: Pick<CryptoBackend, 'inflate'>,
): VerifierCertificate {
  try {
    const json = backend.inflate(payload, 'raw', MAX_CERT_PAYLOAD, CLAIMS_DICTIONARY);
    return fromWireCertificate(
      parseJsonObject(decodeUtf8(json, 'certificate payload'), 'certificate payload'),
    );
  } catch (error) {
    if (error instanceof LicenceError && error.code === 'ERR_MALFORMED')
      throw new LicenceError('ERR_CLAIMS_INVALID', error.message, { cause: error });
    throw error;
  }
}
