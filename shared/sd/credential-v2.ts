/**
 * Credential format version 2 (FORMAT.md §8): the authority signs the root of a tree of salted
 * digests, not the licence; the holder keeps the values and the seed of the salts (the holder's
 * copy).
 */
import { deflateSync, inflateSync } from 'fflate';
import { z } from 'zod';
import { decodeBase64url, encodeBase64url } from '../base64url.js';
import { chinaDate } from '../china-time.js';
import { CLAIMS_DICTIONARY } from '../claims-dictionary.js';
import { checkJoseHeader, parseCompactJws, type CompactJws } from '../compact-jws.js';
import { MAX_CREDENTIAL_PAYLOAD, type CredentialClaimsInput } from '../credential.js';
import type { CryptoBackend, Signer } from '../crypto-backend.js';
import { LicenceError } from '../errors.js';
import { decodeUtf8, parseJsonObject, utf8 } from '../utf8.js';
import * as common from '../internal/credential-claims.js';
import {
  digestOf,
  disclosureOf,
  randomSeed,
  saltsOf,
  sameBytes,
  SD_BYTES,
  SEED_BYTES,
  rootOf,
  WHOLE,
  wholeDisclosureJson,
} from './disclosure.js';
import { groupValuesOf, parseGroupValues, type GroupIndex, type GroupValues } from './groups.js';
import { checkGroupValues } from './check-disclosures.js';

/** `typ` of a version 2 credential; its payload is raw DEFLATE with the claims dictionary. */
export const CREDENTIAL_TYP_V2 = 'lzdl+sd-jwt';
/** Characters of `sd`: base64url of the 16-byte root of the digest tree. */
export const SD_LENGTH = 22;
const ALL_GROUPS: readonly GroupIndex[] = [0, 1, 2, 3, 4, 5];

/** The version 2 credential header in its one canonical serialisation. */
export function canonicalCredentialHeaderV2(kid: string): string {
  return `{"alg":"EdDSA","kid":"${kid}","typ":"${CREDENTIAL_TYP_V2}"}`;
}

/** The version 2 claims as they travel (FORMAT.md §8.1): closed, no licence value. */
export const credentialClaimsV2Schema = z
  .object({
    ...common.claimsShape(common.base64urlBetween(43)),
    sd: common.base64urlBetween(SD_LENGTH),
  })
  .strict();

type WireClaimsV2 = z.infer<typeof credentialClaimsV2Schema>;

/** A version 2 credential's claims, decoded and checked. */
export interface CredentialClaimsV2 extends common.CommonClaims {
  /** The 16-byte root of the digest tree (FORMAT.md §8.3). */
  readonly sd: Uint8Array;
}

/** The claims in their wire form, members in the order of FORMAT.md §8.1. */
export function toWireClaimsV2(claims: CredentialClaimsV2): WireClaimsV2 {
  if (claims.sd.length !== SD_BYTES) throw new RangeError(`sd: expected ${SD_BYTES} bytes`);
  return {
    ...common.toWire(claims),
    sd: encodeBase64url(claims.sd),
  };
}

/**
 * Checks decoded version 2 claims against the format. Call only after the signature has passed.
 * @throws {LicenceError} `ERR_CLAIMS_INVALID`.
 */
export function fromWireClaimsV2(value: Record<string, unknown>): CredentialClaimsV2 {
  const w = common.parseClaims(credentialClaimsV2Schema, value);
  let sd: Uint8Array;
  try {
    sd = decodeBase64url(w.sd, 'sd');
  } catch (cause) {
    throw new LicenceError(
      'ERR_CLAIMS_INVALID',
      'credential claims: sd: expected canonical base64url',
      {
        cause,
      },
    );
  }
  common.checkTimes(w);
  return {
    ...common.fromWire(w),
    sd,
  };
}

/** The six values and the disclosures and digests made of them with one seed. */
export interface DisclosureSet {
  readonly values: GroupValues;
  /** The seven salts, in leaf order (the six groups', then `all`'s). */
  readonly salts: readonly Uint8Array[];
  /** The seven disclosures, in leaf order: D_0 … D_5, then D_all. */
  readonly disclosures: readonly string[];
  /** The seven digests, in leaf order. */
  readonly digests: readonly Uint8Array[];
  /** The root of their tree: `sd`. */
  readonly root: Uint8Array;
}

/** The disclosures and digests of six group values and of the whole record under `seed`. */
export function disclosuresOf(values: GroupValues, seed: Uint8Array): DisclosureSet {
  const salts = saltsOf(seed);
  const disclosures = values.map((v, g) =>
    disclosureOf(salts[g] as Uint8Array, g as GroupIndex, v),
  );
  disclosures.push(encodeBase64url(utf8(wholeDisclosureJson(salts[WHOLE] as Uint8Array, values))));
  const digests = disclosures.map((d) => digestOf(d));
  return { values, salts, disclosures, digests, root: rootOf(digests) };
}

/** What the authority hands the holder: the credential and the holder's copy. */
export interface IssuedCredentialV2 {
  /** The compact JWS. */
  readonly credential: string;
  /** `<credential>~<base64url(seed)>~<base64url(values JSON)>` (FORMAT.md §8.4). */
  readonly holderCopy: string;
}

/**
 * Signs a licence as a version 2 credential: the group values of the licence (age flags on the
 * China date of `iat`), their salts from `seed` (16 bytes; fresh from the CSPRNG when omitted),
 * the digests in `sd`. Checks no policy: the caller decides `exp` (capped at the licence's last
 * valid day and at ageFlagsChangeAt) and that the licence may be used.
 */
export async function issueCredentialV2(
  input: CredentialClaimsInput,
  signer: Pick<Signer, 'kid' | 'sign'>,
  seed: Uint8Array = randomSeed(),
): Promise<IssuedCredentialV2> {
  const values = groupValuesOf(
    input.licence,
    input.portraitHash,
    chinaDate(new Date(input.iat * 1000)),
  );
  return signGroupValues(input, values, signer, seed);
}

/**
 * Signs six group values as given, with the claims of `input` other than the licence: what
 * issueCredentialV2 does once it has the values. Checks nothing.
 */
export async function signGroupValues(
  input: Omit<CredentialClaimsInput, 'licence' | 'portraitHash'>,
  values: GroupValues,
  signer: Pick<Signer, 'kid' | 'sign'>,
  seed: Uint8Array,
): Promise<IssuedCredentialV2> {
  if (seed.length !== SEED_BYTES) throw new RangeError(`seed: expected ${SEED_BYTES} bytes`);
  const { root } = disclosuresOf(values, seed);
  const wire = toWireClaimsV2({
    iss: input.iss,
    iat: input.iat,
    nbf: input.nbf,
    exp: input.exp,
    jti: input.jti,
    holderKey: input.holderKey,
    status: input.status,
    sd: root,
  });
  // fflate's hash table at `mem` 4 (2^16 entries): for a payload of a few hundred bytes and the
  // dictionary it writes the same bytes as the largest (`mem` 12, 2^24 entries zeroed on every
  // call, 5-10 ms a signature in Node) did for 600 licences tried, at a tenth of a millisecond.
  const payload = deflateSync(utf8(JSON.stringify(wire)), {
    level: 9,
    mem: 4,
    dictionary: CLAIMS_DICTIONARY,
  });
  const signingInput = `${encodeBase64url(utf8(canonicalCredentialHeaderV2(signer.kid)))}.${encodeBase64url(payload)}`;
  const signature = await signer.sign(utf8(signingInput));
  const credential = `${signingInput}.${encodeBase64url(signature)}`;
  return {
    credential,
    holderCopy: `${credential}~${encodeBase64url(seed)}~${encodeBase64url(utf8(JSON.stringify(values)))}`,
  };
}

/** A holder's copy taken apart and checked against itself. */
export interface HolderCopy {
  /** The compact JWS, as issued. */
  readonly credential: string;
  readonly jws: CompactJws;
  readonly claims: CredentialClaimsV2;
  readonly seed: Uint8Array;
  readonly values: GroupValues;
  /** The seven salts, in leaf order (FORMAT.md §8.3). */
  readonly salts: readonly Uint8Array[];
  /** The seven disclosures, in leaf order: D_0 … D_5, then D_all. */
  readonly disclosures: readonly string[];
  /** The seven digests, in leaf order. */
  readonly digests: readonly Uint8Array[];
}

/** Inflates raw DEFLATE with the claims dictionary: a backend's, or {@link inflateClaims}. */
export type Inflater = Pick<CryptoBackend, 'inflate'>;

/**
 * A bounded raw inflate with fflate, for the holder's own copy (the phone): at most `max` bytes.
 * Verifiers use their backend's, which also refuses bytes after the stream.
 */
export const inflateClaims: Inflater = {
  inflate(data, _format, max, dictionary) {
    const out = new Uint8Array(max + 1);
    let result: Uint8Array;
    try {
      result = inflateSync(data, dictionary === undefined ? { out } : { out, dictionary });
    } catch (cause) {
      throw new LicenceError('ERR_MALFORMED', 'compressed data: expected raw DEFLATE', { cause });
    }
    if (result.length > max)
      throw new LicenceError(
        'ERR_TOO_LARGE',
        `compressed data: expected at most ${max} bytes inflated`,
      );
    return result.slice();
  },
};

/**
 * Takes a holder's copy apart strictly and recomputes every digest against the signed `sd`: the
 * phone checks its own copy. Does not verify the issuer's signature (a verifier does, on every
 * scan).
 * @throws {LicenceError} the header codes of FORMAT.md §6.1 (`ERR_WRONG_TYPE`, …),
 *   `ERR_MALFORMED`, `ERR_TOO_LARGE`, `ERR_CLAIMS_INVALID` (claims, or a
 *   value breaking a licence rule), `ERR_DISCLOSURE_MISMATCH`.
 */
export function parseHolderCopy(text: string, inflater: Inflater = inflateClaims): HolderCopy {
  const segments = text.split('~');
  if (segments.length !== 3) {
    throw new LicenceError(
      'ERR_MALFORMED',
      `holder copy: expected credential~seed~values, found ${segments.length} segment(s)`,
    );
  }
  const [credential = '', seedText = '', valuesText = ''] = segments;
  const jws = parseCompactJws(credential, 'credential');
  checkJoseHeader(jws.header, { typ: CREDENTIAL_TYP_V2, allowed: [], what: 'credential' });
  const claims = fromWireClaimsV2(
    parseJsonObject(
      decodeUtf8(
        inflater.inflate(jws.payloadBytes, 'raw', MAX_CREDENTIAL_PAYLOAD, CLAIMS_DICTIONARY),
        'credential payload',
      ),
      'credential payload',
    ),
  );
  const seed = decodeBase64url(seedText, 'holder copy seed');
  if (seed.length !== SEED_BYTES)
    throw new LicenceError(
      'ERR_MALFORMED',
      `holder copy seed: expected ${SEED_BYTES} bytes, found ${seed.length}`,
    );
  const values = parseGroupValues(
    decodeUtf8(decodeBase64url(valuesText, 'holder copy values'), 'holder copy values'),
    ALL_GROUPS,
    'holder copy values',
  ) as unknown as GroupValues;
  const { salts, disclosures, digests, root } = disclosuresOf(values, seed);
  if (!sameBytes(root, claims.sd))
    throw new LicenceError(
      'ERR_DISCLOSURE_MISMATCH',
      'holder copy: the disclosures do not give the digest tree root in sd',
    );
  checkGroupValues(ALL_GROUPS, values, claims.iat);
  return { credential, jws, claims, seed, values, salts, disclosures, digests };
}
