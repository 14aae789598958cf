/**
 * The claims every credential version carries (FORMAT.md §3, §8.1): issuer, times, id, holder
 * key and status entry; their schema pieces and their mapping to and from the wire. A version
 * adds its own members after them.
 */
import { z } from 'zod';
import { LicenceError } from '../errors.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** base64url text of exactly `length` characters. */
export const base64urlOfLength = (length: number) =>
  z.string().length(length).regex(BASE64URL, 'base64url');

/** base64url text of `min` to `max` characters. */
export const base64urlBetween = (min: number, max = min) =>
  z.string().min(min).max(max).regex(BASE64URL, 'base64url');

/** A time in whole seconds since the epoch. */
export const seconds = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 40);

/**
 * The schema of the shared claims, members in their wire order.
 * @param holderKey the schema of `cnf.jwk.x`, the holder key's 43 characters of base64url.
 */
export function claimsShape(holderKey: z.ZodString) {
  return {
    iss: z.string().min(1).max(200),
    iat: seconds,
    nbf: seconds,
    exp: seconds,
    jti: base64urlBetween(16, 64),
    cnf: z
      .object({
        jwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: holderKey }).strict(),
      })
      .strict(),
    status: z
      .object({
        status_list: z
          .object({
            idx: z
              .number()
              .int()
              .nonnegative()
              .max(2 ** 32),
            uri: z.string().min(1).max(200),
          })
          .strict(),
      })
      .strict(),
  };
}

/** The shared claims as they travel. */
export type CommonWireClaims = z.infer<z.ZodObject<ReturnType<typeof claimsShape>>>;

/** The shared claims, decoded and checked. */
export interface CommonClaims {
  readonly iss: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly jti: string;
  /** The holder's device key, base64url of the 32 raw bytes (cnf.jwk.x). */
  readonly holderKey: string;
  readonly status: { readonly idx: number; readonly uri: string };
}

/** The shared claims in their wire form, members in their order. */
export function toWire(claims: CommonClaims): CommonWireClaims {
  return {
    iss: claims.iss,
    iat: claims.iat,
    nbf: claims.nbf,
    exp: claims.exp,
    jti: claims.jti,
    cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: claims.holderKey } },
    status: { status_list: { idx: claims.status.idx, uri: claims.status.uri } },
  };
}

/** The shared claims of checked wire claims. */
export function fromWire(w: CommonWireClaims): CommonClaims {
  return {
    iss: w.iss,
    iat: w.iat,
    nbf: w.nbf,
    exp: w.exp,
    jti: w.jti,
    holderKey: w.cnf.jwk.x,
    status: { idx: w.status.status_list.idx, uri: w.status.status_list.uri },
  };
}

/**
 * Decoded claims checked against a version's schema.
 * @throws {LicenceError} `ERR_CLAIMS_INVALID`, at the first issue.
 */
export function parseClaims<T extends z.ZodType>(
  schema: T,
  value: Record<string, unknown>,
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined ? '' : issue.path.join('.');
    throw new LicenceError(
      'ERR_CLAIMS_INVALID',
      `credential claims: ${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** @throws {LicenceError} `ERR_CLAIMS_INVALID` unless `nbf` is before `exp`. */
export function checkTimes(w: Pick<CommonWireClaims, 'nbf' | 'exp'>): void {
  if (w.exp <= w.nbf) {
    throw new LicenceError(
      'ERR_CLAIMS_INVALID',
      `credential times: expected nbf before exp, found nbf ${w.nbf}, exp ${w.exp}`,
    );
  }
}
