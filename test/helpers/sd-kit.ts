/**
 * Test-only helpers for credential format version 2: a fixed credential of the first reference
 * licence, presentations made by hand (from values the issuer would not sign, or that a holder
 * changed), and the verifier's verdict on them.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { CredentialClaimsInput } from '../../shared/credential.js';
import type { CryptoBackend, Signer } from '../../shared/crypto-backend.js';
import { utf8 } from '../../shared/utf8.js';
import { disclosuresOf, issueCredentialV2 } from '../../shared/sd/credential-v2.js';
import { leavesOf, sdHashInput, WHOLE, withheldNodes } from '../../shared/sd/disclosure.js';
import {
  groupsFor,
  type GroupIndex,
  type GroupValues,
  type Purpose,
} from '../../shared/sd/groups.js';
import {
  decodePresentationV2,
  encodeEnvelopeV2,
  envelopeOfV2,
  encodePresentationV2,
  proofSigningInputV2,
  type EnvelopeV2,
} from '../../shared/sd/presentation-v2.js';
import type { VerificationReport } from '../../verifier/report.js';
import { createTrustStore } from '../../verifier/trust-store.js';
import { verifyPresentation } from '../../verifier/verify-presentation.js';
import { decodeBase64url } from '../../shared/base64url.js';
import { referenceLicence, type TestKeys } from './presentation-kit.js';

/** Issue time of the fixed credential: 2025-11-24T16:00:00Z, 2025-11-25 in China. */
export const IAT = 1764000000;
/** The fixed seed: bytes 0-15. */
export const FIXED_SEED = Uint8Array.from({ length: 16 }, (_, i) => i);
/** A fixed portrait hash: SHA-256 of the ASCII "portrait". */
export const PORTRAIT_HASH = Buffer.from(sha256(utf8('portrait'))).toString('base64url');

/** The claims of the fixed credential of the first reference licence. */
export function fixedClaims(holder: Signer): CredentialClaimsInput {
  return {
    iss: 'https://dl.122.gov.cn',
    iat: IAT,
    nbf: IAT,
    exp: IAT + 30 * 86_400,
    jti: 'lFsQF1fndWTd3GP0',
    holderKey: holder.publicJwk.x,
    status: { idx: 1234567, uri: 'https://dl.122.gov.cn/status/44/1' },
    portraitHash: PORTRAIT_HASH,
    licence: referenceLicence(0),
  };
}

/** The fixed credential and holder copy (fixed keys, fixed seed). */
export async function fixedCredential(
  keys: TestKeys,
  input: CredentialClaimsInput = fixedClaims(keys.holder),
): Promise<{ credential: string; holderCopy: string }> {
  return issueCredentialV2(input, keys.issuer, FIXED_SEED);
}

/**
 * A presentation made by hand of any six values (signed by the issuer as given) with a proof over
 * exactly what it discloses: what shared/sd/presentation-v2.ts makes, without checking the copy.
 */
export async function presentByHand(
  credential: string,
  values: GroupValues,
  holder: Pick<Signer, 'sign'>,
  options: { purpose: Purpose; groups?: readonly number[]; iat?: number; nonce?: string },
): Promise<string> {
  const set = disclosuresOf(values, FIXED_SEED);
  const groups = groupsFor(options.purpose, options.groups);
  const [h = '', p = '', s = ''] = credential.split('.');
  const iat = options.iat ?? IAT + 5;
  const sdHash = sha256(
    sdHashInput(
      credential,
      groups.map((g) => set.disclosures[g] as string),
    ),
  );
  const proofSignature = await holder.sign(
    proofSigningInputV2(sdHash, iat, options.purpose, options.nonce),
  );
  return encodePresentationV2({
    credentialHeader: decodeBase64url(h, 'h'),
    credentialPayload: decodeBase64url(p, 'p'),
    credentialSignature: decodeBase64url(s, 's'),
    proofIat: iat,
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    purpose: options.purpose,
    groups,
    ...(groups.length === 6
      ? { whole: set.disclosures[WHOLE] as string }
      : { salts: groups.map((g) => set.salts[g] as Uint8Array) }),
    values: groups.map((g) => values[g]),
    withheldNodes: withheldNodes(set.digests, leavesOf(groups)),
    proofSignature,
  });
}

/** Decodes, changes the envelope's fields, and writes them again (signatures untouched). */
export function rewrite(
  text: string,
  backend: CryptoBackend,
  change: (e: EnvelopeV2) => EnvelopeV2,
): string {
  return encodeEnvelopeV2(change(envelopeOfV2(decodePresentationV2(text, backend))));
}

/**
 * Verifies a presentation with the verifier (verifyPresentation), trusting `issuerJwks` on
 * `backend`, at IAT + 5 s: when the fixed presentations are made, within the credential's time,
 * no status list given.
 */
export function verifyAtIssue(
  text: string,
  backend: CryptoBackend,
  issuerJwks: unknown,
): VerificationReport {
  return verifyPresentation(text, {
    trust: createTrustStore([issuerJwks], backend),
    now: new Date((IAT + 5) * 1000),
  });
}

/** A report's verdict: `valid`, or the deciding code and the first check that FAILED. */
export function decisionOf(
  report: VerificationReport,
): { readonly code: 'valid' } | { readonly code: string; readonly check: string | undefined } {
  if (report.valid) return { code: 'valid' };
  return {
    code: report.code ?? 'invalid without a code',
    check: report.checks.find((k) => k.status === 'FAILED')?.id,
  };
}

export type { GroupIndex };
