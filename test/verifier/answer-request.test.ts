/**
 * A code answering a verifier's request (FORMAT.md §9.4-§9.5): bound to that verifier and that
 * nonce, accepted once, for the request's five minutes.
 */
import { describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../../shared/crypto-backend.js';
import {
  signVerifierCertificate,
  type VerifierCertificate,
} from '../../shared/request/certificate.js';
import {
  createRequest,
  verifyRequest,
  type VerifiedRequest,
} from '../../shared/request/request.js';
import { PURPOSES } from '../../shared/sd/groups.js';
import {
  ANSWER_FLAG,
  createPresentationV2,
  decodePresentationV2,
  encodeEnvelopeV2,
  envelopeOfV2,
} from '../../shared/sd/presentation-v2.js';
import { nobleBackend } from '../../verifier/backends/noble.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { createTrustStore } from '../../verifier/trust-store.js';
import { verifyPresentation, type VerifyOptions } from '../../verifier/verify-presentation.js';
import { loadTestKeys } from '../helpers/presentation-kit.js';
import { fixedCredential, IAT } from '../helpers/sd-kit.js';

const keys = loadTestKeys();
const { holderCopy } = await fixedCredential(keys);

/** A rental desk's certificate for a device key (the verifier's, not the holder's). */
function certificate(deviceKey: string, jti: string): VerifierCertificate {
  return {
    iss: 'https://jtgl.example.cn',
    iat: IAT - 86_400,
    nbf: IAT - 86_400,
    exp: IAT + 365 * 86_400,
    jti,
    holderKey: deviceKey,
    status: { idx: 1, uri: 'https://jtgl.example.cn/status/verifiers/1' },
    org: '平安汽车租赁有限公司',
    role: 'rental',
    may: [0, 1],
  };
}

// Device A (the one asking) signs with the "other holder" test key; device B with the issuer's
// other key: any Ed25519 key does for a device.
const certA = await signVerifierCertificate(
  certificate(keys.otherHolder.publicJwk.x, 'device-a-000000001'),
  keys.issuer,
);
const certB = await signVerifierCertificate(
  certificate(keys.otherIssuer.publicJwk.x, 'device-b-000000001'),
  keys.issuer,
);
const REQUEST_AT = IAT + 100;
const requestA = await createRequest(certA, keys.otherHolder, {
  now: new Date(REQUEST_AT * 1000),
  purpose: 'rental',
});
const requestB = await createRequest(certB, keys.otherIssuer, {
  now: new Date(REQUEST_AT * 1000),
  purpose: 'rental',
});

/** What the phone does: check the request, then answer exactly it. */
async function answer(text: string, backend: CryptoBackend, atS = REQUEST_AT + 5) {
  const request: VerifiedRequest = verifyRequest(text, {
    keys: createTrustStore([keys.issuerJwks], backend),
    now: new Date(atS * 1000),
  });
  return createPresentationV2(holderCopy, keys.holder, {
    now: new Date(atS * 1000),
    purpose: request.purpose,
    groups: request.groups,
    nonce: request.nonce,
    audience: request.audience,
  });
}

describe.each([nodeBackend, nobleBackend])('an answer to a request (%s backend)', (backend) => {
  const audience = (cert: string) =>
    Buffer.from(backend.sha256(new TextEncoder().encode(cert))).toString('base64url');
  const deviceA = { audience: audience(certA), nonce: requestA.nonce, iat: REQUEST_AT };
  const deviceB = { audience: audience(certB), nonce: requestB.nonce, iat: REQUEST_AT };
  const verify = (text: string, over: Partial<VerifyOptions> = {}, atS = REQUEST_AT + 10) =>
    verifyPresentation(text, {
      trust: createTrustStore([keys.issuerJwks], backend),
      now: new Date(atS * 1000),
      ...over,
    });
  const code = (r: ReturnType<typeof verify>) =>
    r.valid ? 'valid' : `${r.code} at ${r.checks.find((c) => c.status === 'FAILED')?.id}`;

  it('when device A scans the answer to its request, then it is valid and shows what was asked', async () => {
    const report = verify(await answer(requestA.text, backend), { request: deviceA });
    expect(code(report)).toBe('valid');
    expect(report.disclosure).toMatchObject({
      purpose: 'rental',
      disclosed: ['holder', 'driving'],
    });
    expect(report.licence?.licenceNumber).toBeUndefined();
  });

  it('when the answer is scanned four minutes after the request, then the 60-second window does not apply', async () => {
    const text = await answer(requestA.text, backend, REQUEST_AT + 1);
    expect(code(verify(text, { request: deviceA }, REQUEST_AT + 240))).toBe('valid');
    expect(code(verify(text, { request: deviceA }, REQUEST_AT + 310))).toBe('valid');
    expect(code(verify(text, { request: deviceA }, REQUEST_AT + 311))).toBe(
      'ERR_PROOF_EXPIRED at proof_freshness',
    );
  });

  it('when device B scans an answer made for device A, then it is refused: not its nonce', async () => {
    const text = await answer(requestA.text, backend);
    expect(code(verify(text, { request: deviceB }))).toBe('ERR_NONCE_MISMATCH at holder_signature');
  });

  it("when a device with A's nonce but another certificate scans it, then the proof does not verify", async () => {
    const text = await answer(requestA.text, backend);
    expect(code(verify(text, { request: { ...deviceB, nonce: requestA.nonce } }))).toBe(
      'ERR_HOLDER_SIGNATURE at holder_signature',
    );
  });

  it('when device A scans the same answer again, then ERR_NONCE_USED', async () => {
    const text = await answer(requestA.text, backend);
    const answered = new Set([requestA.nonce]);
    expect(code(verify(text, { request: { ...deviceA, answered } }))).toBe(
      'ERR_NONCE_USED at holder_signature',
    );
  });

  it('when a device without a request scans an answer, then ERR_WRONG_VERIFIER', async () => {
    const text = await answer(requestA.text, backend);
    expect(code(verify(text))).toBe('ERR_WRONG_VERIFIER at holder_signature');
  });

  it('when a device waiting for an answer scans a plain code, then ERR_NONCE_MISMATCH', async () => {
    const plain = await createPresentationV2(holderCopy, keys.holder, {
      now: new Date((REQUEST_AT + 5) * 1000),
      purpose: 'rental',
    });
    expect(code(verify(plain, { request: deviceA }))).toBe(
      'ERR_NONCE_MISMATCH at holder_signature',
    );
    expect(code(verify(plain))).toBe('valid');
  });

  it('when the answer flag is cleared, then the proof no longer verifies', async () => {
    const text = await answer(requestA.text, backend);
    const e = envelopeOfV2(decodePresentationV2(text, backend));
    const cleared = encodeEnvelopeV2({ ...e, purposeCode: PURPOSES.rental.code });
    expect(code(verify(cleared, { nonce: requestA.nonce }))).toBe(
      'ERR_HOLDER_SIGNATURE at holder_signature',
    );
  });

  it('when an answer carries no nonce, then ERR_MALFORMED', async () => {
    const text = await answer(requestA.text, backend);
    const e = envelopeOfV2(decodePresentationV2(text, backend));
    const bare = encodeEnvelopeV2({
      ...e,
      purposeCode: PURPOSES.rental.code | ANSWER_FLAG,
      nonce: new Uint8Array(0),
    });
    expect(code(verify(bare, { request: deviceA }))).toBe('ERR_MALFORMED at parse');
  });
});

describe('the options of a request', () => {
  it('when both nonce and request are given, then a RangeError', () => {
    expect(() =>
      verifyPresentation('LZ2:0', {
        trust: createTrustStore([keys.issuerJwks], nodeBackend),
        now: new Date(),
        nonce: 'abc',
        request: { audience: 'a'.repeat(43), nonce: 'abc', iat: 0 },
      }),
    ).toThrow(RangeError);
  });
});
