import { z } from 'zod';
import { LicenceError } from './errors.js';
import { type LicenceRecord } from './licence/record.js';
import { parseLicenceRecord } from './licence/validate.js';
import * as common from './internal/credential-claims.js';

/**
 * `typ` of the credential, the authority's signed licence (RFC 8725 §3.11). It also says that the
 * payload is raw DEFLATE with the preset dictionary of claims-dictionary.ts; no `zip` header.
 */
export const CREDENTIAL_TYP = 'lzdl+jwt';
/** `typ` of the holder proof in a presentation (reconstructed, see FORMAT.md §4). */
export const PROOF_TYP = 'lzkb+jwt';
/** `typ` of a status list token (IETF Token Status List §5.1). */
export const STATUS_LIST_TYP = 'statuslist+jwt';
/** Ceiling on the inflated credential payload: a real one is about 600 bytes. */
export const MAX_CREDENTIAL_PAYLOAD = 4096;
/** Members of the credential header besides alg, typ, kid: none. */
export const CREDENTIAL_HEADER_EXTRA: readonly string[] = [];

/**
 * The credential's protected header in its one canonical serialisation. A presentation carries
 * only the key id of a header in this form (FORMAT.md §4.1).
 */
export function canonicalCredentialHeader(kid: string): string {
  return `{"alg":"EdDSA","kid":"${kid}","typ":"${CREDENTIAL_TYP}"}`;
}

/** The licence data inside the credential, with short names to keep the QR small. */
const wireLicenceSchema = z
  .object({
    no: z.string(),
    nm: z.string(),
    sx: z.string(),
    na: z.string(),
    ad: z.string(),
    bd: z.string(),
    fd: z.string(),
    cl: z.array(z.string()),
    vf: z.string(),
    vt: z.string(),
    au: z.string(),
    fn: z.string(),
    st: z.string(),
    pt: z.number(),
  })
  .strict();

/** The credential's claims as they travel (FORMAT.md §3). */
export const credentialClaimsSchema = z
  .object({
    ...common.claimsShape(common.base64urlOfLength(43)),
    ph: common.base64urlOfLength(43).optional(),
    dl: wireLicenceSchema,
  })
  .strict();

type WireClaims = z.infer<typeof credentialClaimsSchema>;

/** A credential's claims, decoded and checked, with the licence in the model's own shape. */
/** The claims both format versions share. */
export type CommonClaims = common.CommonClaims;

export interface CredentialClaims extends common.CommonClaims {
  /** base64url SHA-256 of the portrait image bytes, when the registry holds a portrait. */
  readonly portraitHash?: string;
  readonly licence: LicenceRecord;
}

/** Claims before signing: what the authority decides. */
export type CredentialClaimsInput = CredentialClaims;

/** The claims in their wire form (short names), ready to serialise. */
export function toWireClaims(claims: CredentialClaimsInput): WireClaims {
  const l = claims.licence;
  return {
    ...common.toWire(claims),
    ...(claims.portraitHash === undefined ? {} : { ph: claims.portraitHash }),
    dl: {
      no: l.licenceNumber,
      nm: l.name,
      sx: l.sex,
      na: l.nationality,
      ad: l.address,
      bd: l.birthDate,
      fd: l.firstIssueDate,
      cl: [...l.classes],
      vf: l.validFrom,
      vt: l.validTo,
      au: l.issuingAuthority,
      fn: l.fileNumber,
      st: l.status,
      pt: l.points,
    },
  };
}

/**
 * Checks decoded claims against the format and the licence model. Call only after the
 * signature has passed.
 * @throws {LicenceError} `ERR_CLAIMS_INVALID`.
 */
export function fromWireClaims(value: Record<string, unknown>): CredentialClaims {
  const w = common.parseClaims(credentialClaimsSchema, value);
  let licence: LicenceRecord;
  try {
    licence = parseLicenceRecord({
      licenceNumber: w.dl.no,
      name: w.dl.nm,
      sex: w.dl.sx,
      nationality: w.dl.na,
      address: w.dl.ad,
      birthDate: w.dl.bd,
      firstIssueDate: w.dl.fd,
      classes: w.dl.cl,
      validFrom: w.dl.vf,
      validTo: w.dl.vt,
      issuingAuthority: w.dl.au,
      fileNumber: w.dl.fn,
      status: w.dl.st,
      points: w.dl.pt,
    });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : 'invalid';
    throw new LicenceError('ERR_CLAIMS_INVALID', `credential licence data: ${detail}`, { cause });
  }
  common.checkTimes(w);
  return {
    ...common.fromWire(w),
    ...(w.ph === undefined ? {} : { portraitHash: w.ph }),
    licence,
  };
}
