/*
 * The licence the phone holds, read from what it keeps, offline: the holder's copy of a version 2
 * credential (FORMAT.md §8.4, every digest recomputed against the signed `sd`), or a version 1
 * credential kept before the service issued version 2 (read-credential.ts), which is shown until
 * the next refresh replaces it. The phone does not verify the issuer's signature: the verifier
 * does, on every scan.
 */
import { parseLicenceRecord } from '../../../shared/licence/validate.js';
import type { LicenceRecord } from '../../../shared/licence/record.js';
import { parseHolderCopy, type HolderCopy } from '../../../shared/sd/credential-v2.js';
import { LICENCE_FIELD_OF_MEMBER } from '../../../shared/sd/groups.js';
import { readCredential } from './read-credential.js';
import type { Kept } from './store.js';

/** What the licence page and the code read from the credential kept. */
export interface Held {
  /** 2: the holder's copy, shown by purpose; 1: an older credential, always shown whole. */
  readonly version: 1 | 2;
  readonly licence: LicenceRecord;
  /** base64url SHA-256 of the portrait, when the registry holds one. */
  readonly portraitHash?: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

/**
 * The licence of a holder's copy: the values of its four object groups mapped to the licence's
 * fields (the card's), the portrait hash of the holder group.
 * @throws {LicenceError} as parseHolderCopy.
 */
export function heldOfCopy(copy: HolderCopy | string): Held {
  const parsed = typeof copy === 'string' ? parseHolderCopy(copy) : copy;
  const fields: Record<string, unknown> = {};
  let portraitHash: string | undefined;
  for (const value of parsed.values) {
    if (typeof value === 'boolean') continue;
    for (const [member, v] of Object.entries(value)) {
      if (member === 'ph') portraitHash = v as string;
      else fields[LICENCE_FIELD_OF_MEMBER[member as keyof typeof LICENCE_FIELD_OF_MEMBER]] = v;
    }
  }
  const { iat, exp, jti } = parsed.claims;
  return {
    version: 2,
    licence: parseLicenceRecord(fields),
    ...(portraitHash === undefined ? {} : { portraitHash }),
    iat,
    exp,
    jti,
  };
}

/**
 * The licence of what the phone keeps: from the holder's copy when there is one, else from the
 * version 1 credential's claims.
 * @throws {LicenceError} when what is kept does not parse.
 */
export function heldOf(kept: Kept['credential']): Held {
  if (kept.holderCopy !== undefined) return heldOfCopy(kept.holderCopy);
  const claims = readCredential(kept.text);
  return {
    version: 1,
    licence: claims.licence,
    ...(claims.portraitHash === undefined ? {} : { portraitHash: claims.portraitHash }),
    iat: claims.iat,
    exp: claims.exp,
    jti: claims.jti,
  };
}
