/**
 * Test-only helpers shared by the presentation fixture generator
 * (test/vectors/make-presentation-fixtures.ts) and the verifier tests: the fixed test keys, the
 * reference licences, and a way to sign credentials the issuer would refuse to sign (a licence
 * that is expired or not normal, odd headers, odd payloads) with the same header and payload
 * rules as issuer/sign-credential.ts.
 */
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { CLAIMS_DICTIONARY } from '../../shared/claims-dictionary.js';
import {
  canonicalCredentialHeader,
  toWireClaims,
  type CredentialClaimsInput,
} from '../../shared/credential.js';
import type { Signer } from '../../shared/crypto-backend.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { createJwkSigner } from '../../shared/node/keys.js';
import { urlFromRoot } from '../paths.js';
import {
  credentialCompact,
  decodePresentation,
  encodePresentation,
  proofSigningInput,
  type PresentationParts,
} from '../../shared/presentation.js';

/** Where the fixed test keys live (test-only keys; see test/vectors/README.md). */
export const KEYS_DIR = urlFromRoot('test/vectors/keys/');

/** The file names of the fixed test keys. */
export const KEY_FILES = {
  issuer: 'issuer.private.jwk.json',
  issuerJwks: 'issuer.jwks.json',
  otherIssuer: 'other-issuer.private.jwk.json',
  otherIssuerJwks: 'other-issuer.jwks.json',
  holder: 'holder.private.jwk.json',
  otherHolder: 'other-holder.private.jwk.json',
} as const;

/** The fixed test keys as signers, and the two issuers' JWKS. */
export interface TestKeys {
  readonly issuer: Signer;
  readonly otherIssuer: Signer;
  readonly holder: Signer;
  readonly otherHolder: Signer;
  readonly issuerJwks: unknown;
  readonly otherIssuerJwks: unknown;
}

function readJson(url: URL): unknown {
  return JSON.parse(readFileSync(url, 'utf8')) as unknown;
}

/** Reads the fixed test keys from test/vectors/keys/. */
export function loadTestKeys(): TestKeys {
  const at = (name: string) => new URL(name, KEYS_DIR);
  return {
    issuer: createJwkSigner(readJson(at(KEY_FILES.issuer))),
    otherIssuer: createJwkSigner(readJson(at(KEY_FILES.otherIssuer))),
    holder: createJwkSigner(readJson(at(KEY_FILES.holder))),
    otherHolder: createJwkSigner(readJson(at(KEY_FILES.otherHolder))),
    issuerJwks: readJson(at(KEY_FILES.issuerJwks)),
    otherIssuerJwks: readJson(at(KEY_FILES.otherIssuerJwks)),
  };
}

const referenceFile = z.object({ licences: z.array(z.unknown()).min(5) });

/** The licences of test/fixtures/reference-licences.json, validated; index 0 is THE reference. */
export function referenceLicences(): LicenceRecord[] {
  const file = referenceFile.parse(readJson(urlFromRoot('test/fixtures/reference-licences.json')));
  return file.licences.map((l) => parseLicenceRecord(l));
}

/** One licence of test/fixtures/reference-licences.json (0 is THE reference licence). */
export function referenceLicence(index: number): LicenceRecord {
  const licence = referenceLicences()[index];
  if (licence === undefined) throw new Error(`reference-licences.json: no licence ${index}`);
  return licence;
}

/** Raw DEFLATE with the claims dictionary, as issuer/sign-credential.ts compresses a payload. */
export function compressPayload(json: string | Uint8Array): Uint8Array {
  const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  return deflateRawSync(bytes, { level: 9, dictionary: CLAIMS_DICTIONARY });
}

/**
 * Signs any protected header and payload bytes as a compact JWS (RFC 7515 §7.1), with no check
 * at all: the header text travels exactly as given.
 */
export async function signCompact(
  header: string | Uint8Array,
  payload: Uint8Array,
  signer: Pick<Signer, 'sign'>,
): Promise<string> {
  const headerBytes = typeof header === 'string' ? Buffer.from(header, 'utf8') : header;
  const signingInput = `${Buffer.from(headerBytes).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/**
 * A credential signed by hand, for what signCredential refuses to issue (a licence that is not
 * normal or not valid today) or for times it would not choose: the canonical header and the
 * claims dictionary, exactly as issuer/sign-credential.ts does it, without its policy checks.
 * `extra` adds wire members (to make the claims invalid on purpose).
 */
export async function signClaimsByHand(
  claims: CredentialClaimsInput,
  signer: Signer,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<string> {
  const wire = { ...toWireClaims(claims), ...extra };
  return signCompact(
    canonicalCredentialHeader(signer.kid),
    compressPayload(JSON.stringify(wire)),
    signer,
  );
}

/** A compact JWS split into its decoded parts (no checks). */
export function splitCompact(
  compact: string,
): Pick<PresentationParts, 'credentialHeader' | 'credentialPayload' | 'credentialSignature'> {
  const [h = '', p = '', s = ''] = compact.split('.');
  return {
    credentialHeader: Uint8Array.from(Buffer.from(h, 'base64url')),
    credentialPayload: Uint8Array.from(Buffer.from(p, 'base64url')),
    credentialSignature: Uint8Array.from(Buffer.from(s, 'base64url')),
  };
}

/**
 * A presentation of any credential parts, with a holder proof made over exactly those parts
 * (what shared/create-presentation.ts does, without parsing the credential first).
 */
export async function presentParts(
  credential: Pick<
    PresentationParts,
    'credentialHeader' | 'credentialPayload' | 'credentialSignature'
  >,
  holder: Pick<Signer, 'sign'>,
  proofIat: number,
  nonce?: string,
): Promise<string> {
  const hash = sha256(Buffer.from(credentialCompact(credential), 'ascii'));
  const proofSignature = await holder.sign(proofSigningInput(hash, proofIat, nonce));
  return encodePresentation({
    ...credential,
    proofIat,
    ...(nonce === undefined ? {} : { nonce }),
    proofSignature,
  });
}

/** Decodes a presentation, changes its parts, and encodes it again (signatures untouched). */
export function reencode(
  text: string,
  change: (parts: PresentationParts) => PresentationParts,
): string {
  return encodePresentation(change(decodePresentation(text)));
}

/** A copy of `bytes` with the bits `mask` flipped at `index` (negative: from the end). */
export function flipByte(bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const out = bytes.slice();
  const at = index < 0 ? out.length + index : index;
  out[at] = (out[at] ?? 0) ^ mask;
  return out;
}

/** Seconds since the epoch of an ISO 8601 instant. */
export function epochSeconds(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${iso}`);
  return Math.floor(ms / 1000);
}

/** The instant `s` seconds since the epoch, as a Date. */
export function at(s: number): Date {
  return new Date(s * 1000);
}
