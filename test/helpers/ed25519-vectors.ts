/**
 * The Ed25519 vector files of test/vectors/ (see README.md there), read and checked against
 * their schema: the backends' tests in Node (test/verifier/backends.test.ts) and in Chromium
 * (test/browser/webcrypto-backend.test.ts) run the same cases.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lower-case hex');
const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url without padding');
const caseFields = {
  id: z.string().min(1),
  expected: z.enum(['valid', 'invalid']),
  why: z.string().regex(/^[^\r\n]+$/, 'one line'),
};
const source = z.strictObject({
  project: z.string(),
  file: z.string(),
  url: z.string(),
  licence: z.string(),
  conversion: z.string(),
});
const signatureFile = z.strictObject({
  source,
  cases: z.array(z.strictObject({ ...caseFields, publicKey: hex, message: hex, signature: hex })),
});
const jwsFile = z.strictObject({
  source,
  cases: z.array(
    z.strictObject({
      ...caseFields,
      publicKeyJwk: z.strictObject({
        kty: z.literal('OKP'),
        crv: z.literal('Ed25519'),
        x: base64url,
      }),
      thumbprint: base64url,
      jws: z.string(),
    }),
  ),
});

export type Verdict = 'valid' | 'invalid';

/** One signature to check, whatever file it came from. */
export interface SignatureCase {
  readonly id: string;
  readonly expected: Verdict;
  readonly why: string;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

export interface VectorFile {
  readonly name: string;
  readonly cases: readonly SignatureCase[];
}

export function readVectors(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
}

function fromHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

export function fromBase64url(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'base64url'));
}

function loadSignatureFile(name: string): VectorFile {
  const file = signatureFile.parse(readVectors(name));
  return {
    name,
    cases: file.cases.map((c) => ({
      id: c.id,
      expected: c.expected,
      why: c.why,
      publicKey: fromHex(c.publicKey),
      message: fromHex(c.message),
      signature: fromHex(c.signature),
    })),
  };
}

/** Splits a compact JWS into the bytes that were signed and the signature (RFC 7515 §7.1). */
export function splitCompactJws(jws: string): { signingInput: Uint8Array; signature: Uint8Array } {
  const parts = jws.split('.');
  const [header, payload, signature] = parts;
  if (
    parts.length !== 3 ||
    header === undefined ||
    payload === undefined ||
    signature === undefined
  ) {
    throw new Error(`compact JWS: expected 3 segments, found ${parts.length}`);
  }
  return {
    signingInput: new TextEncoder().encode(`${header}.${payload}`),
    signature: fromBase64url(signature),
  };
}

export const rfc8037 = jwsFile.parse(readVectors('rfc8037.json'));

export const FILES: readonly VectorFile[] = [
  loadSignatureFile('wycheproof_ed25519.json'),
  loadSignatureFile('rfc8032_ed25519.json'),
  {
    name: 'rfc8037.json',
    cases: rfc8037.cases.map((c) => {
      const { signingInput, signature } = splitCompactJws(c.jws);
      return {
        id: c.id,
        expected: c.expected,
        why: c.why,
        publicKey: fromBase64url(c.publicKeyJwk.x),
        message: signingInput,
        signature,
      };
    }),
  },
  loadSignatureFile('ed25519_speccheck_cases.json'),
];

export function fileNamed(name: string): VectorFile {
  const file = FILES.find((f) => f.name === name);
  if (file === undefined) throw new Error(`no vector file ${name}`);
  return file;
}
