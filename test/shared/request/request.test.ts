import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../../shared/base64url.js';
import type { CryptoBackend } from '../../../shared/crypto-backend.js';
import { qrVersion } from '../../../shared/qr.js';
import {
  canonicalCertificateHeader,
  fromWireCertificate,
  signVerifierCertificate,
  VERIFIER_CERT_TYP,
  type VerifierCertificate,
} from '../../../shared/request/certificate.js';
import {
  createRequest,
  decodeRequest,
  encodeRequest,
  REQUEST_MAX_AGE,
  RequestError,
  verifyRequest,
  type RequestErrorCode,
  type VerifyRequestOptions,
} from '../../../shared/request/request.js';
import { packStatuses, STATUS } from '../../../shared/status-list.js';
import { nobleBackend } from '../../../verifier/backends/noble.js';
import { nodeBackend } from '../../../verifier/backends/node.js';
import { createTrustStore } from '../../../verifier/trust-store.js';
import { compressPayload, loadTestKeys, signCompact } from '../../helpers/presentation-kit.js';

const keys = loadTestKeys();
const IAT = 1_780_000_000;
const STATUS_URI = 'https://jtgl.example.cn/status/verifiers/1';
const deviceKey = keys.holder.publicJwk.x;

function certificate(over: Partial<VerifierCertificate> = {}): VerifierCertificate {
  return {
    iss: 'https://jtgl.example.cn',
    iat: IAT - 86_400,
    nbf: IAT - 86_400,
    exp: IAT + 365 * 86_400,
    jti: 'cert-0000000000000001',
    holderKey: deviceKey,
    status: { idx: 3, uri: STATUS_URI },
    org: '平安汽车租赁有限公司',
    role: 'rental',
    may: [0, 1],
    ...over,
  };
}

const rentalCert = await signVerifierCertificate(certificate(), keys.issuer);
const now = new Date((IAT + 5) * 1000);
const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA';
const { text: rentalRequest } = await createRequest(rentalCert, keys.holder, {
  now: new Date(IAT * 1000),
  purpose: 'rental',
  nonce: NONCE,
});

function options(backend: CryptoBackend, over: Partial<VerifyRequestOptions> = {}) {
  return { keys: createTrustStore([keys.issuerJwks], backend), now, ...over };
}

function refusal(f: () => unknown): RequestErrorCode | 'accepted' {
  try {
    f();
  } catch (error) {
    if (error instanceof RequestError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe.each([nodeBackend, nobleBackend])('a request, verified with the %s backend', (backend) => {
  const verify = (text: string, over: Partial<VerifyRequestOptions> = {}) =>
    verifyRequest(text, options(backend, over));

  it('when a rental desk asks for its role, then the phone reads who asks, for what, until when', () => {
    const request = verify(rentalRequest);
    expect(request).toMatchObject({
      org: '平安汽车租赁有限公司',
      role: 'rental',
      purpose: 'rental',
      groups: [0, 1],
      nonce: NONCE,
      iat: IAT,
      answerBy: IAT + REQUEST_MAX_AGE,
      statusUnchecked: true,
    });
    expect(request.audience).toBe(
      encodeBase64url(backend.sha256(new TextEncoder().encode(rentalCert))),
    );
  });

  it('when the certificate is in a status list as valid, then the status counts as checked', () => {
    const list = packStatuses([0, 0, 0, STATUS.VALID], 2);
    const lists = new Map([[STATUS_URI, { uri: STATUS_URI, bits: 2 as const, list }]]);
    expect(verify(rentalRequest, { statusLists: lists }).statusUnchecked).toBe(false);
  });

  it('when the certificate is revoked in its status list, then ERR_REQUEST_CERT_REVOKED', () => {
    const list = packStatuses([0, 0, 0, STATUS.INVALID], 2);
    const lists = new Map([[STATUS_URI, { uri: STATUS_URI, bits: 2 as const, list }]]);
    expect(refusal(() => verify(rentalRequest, { statusLists: lists }))).toBe(
      'ERR_REQUEST_CERT_REVOKED',
    );
  });

  it('when the certificate is past its exp, then ERR_REQUEST_CERT_EXPIRED', async () => {
    const cert = await signVerifierCertificate(certificate({ exp: IAT - 60 }), keys.issuer);
    const { text } = await createRequest(cert, keys.holder, { now, purpose: 'rental' });
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_CERT_EXPIRED');
  });

  it('when the certificate is not yet valid, then ERR_REQUEST_CERT_NOT_YET_VALID', async () => {
    const cert = await signVerifierCertificate(certificate({ nbf: IAT + 3600 }), keys.issuer);
    const { text } = await createRequest(cert, keys.holder, { now, purpose: 'rental' });
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_CERT_NOT_YET_VALID');
  });

  it('when another authority signed the certificate, then ERR_REQUEST_UNKNOWN_AUTHORITY', async () => {
    const cert = await signVerifierCertificate(certificate(), keys.otherIssuer);
    const { text } = await createRequest(cert, keys.holder, { now, purpose: 'rental' });
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_UNKNOWN_AUTHORITY');
  });

  it('when the certificate was changed after signing, then ERR_REQUEST_CERT_SIGNATURE', () => {
    const parts = decodeRequest(rentalRequest);
    const payload = parts.certificatePayload.slice();
    payload[5] = (payload[5] as number) ^ 1;
    const text = encodeRequest({ ...parts, certificatePayload: payload });
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_CERT_SIGNATURE');
  });

  it.each([
    ['alg "Ed25519", exactly so', 'rental'],
    ['alg twice ("none", then "Ed25519")', 'ERR_REQUEST_MALFORMED'],
    ['its members in another order', 'ERR_REQUEST_MALFORMED'],
  ])('when the certificate header travels written out with %s, then %s', async (what, expected) => {
    const kid = keys.issuer.kid;
    const header = {
      'alg "Ed25519", exactly so': `{"alg":"Ed25519","kid":"${kid}","typ":"${VERIFIER_CERT_TYP}"}`,
      'alg twice ("none", then "Ed25519")': `{"alg":"none","alg":"Ed25519","kid":"${kid}","typ":"${VERIFIER_CERT_TYP}"}`,
      'its members in another order': `{"kid":"${kid}","alg":"Ed25519","typ":"${VERIFIER_CERT_TYP}"}`,
    }[what];
    if (header === undefined) throw new Error(what);
    const payload = Buffer.from(rentalCert.split('.')[1] ?? '', 'base64url');
    const cert = await signCompact(header, payload, keys.issuer);
    const { text } = await createRequest(cert, keys.holder, { now, purpose: 'rental' });
    expect(decodeRequest(text).canonicalKid).toBeUndefined();
    if (expected === 'rental') expect(verify(text).role).toBe('rental');
    else expect(refusal(() => verify(text))).toBe(expected);
  });

  it('when a rental certificate claims the identity group, then ERR_REQUEST_CERT_INVALID', async () => {
    const wire = {
      iss: 'https://jtgl.example.cn',
      iat: IAT,
      nbf: IAT,
      exp: IAT + 86_400,
      jti: 'cert-0000000000000002',
      cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: deviceKey } },
      status: { status_list: { idx: 3, uri: STATUS_URI } },
      org: '某租车',
      role: 'rental',
      may: [0, 1, 2],
    };
    const cert = await signCompact(
      canonicalCertificateHeader(keys.issuer.kid),
      compressPayload(JSON.stringify(wire)),
      keys.issuer,
    );
    const { text } = await createRequest(cert, keys.holder, {
      now,
      purpose: 'custom',
      groups: [0, 2],
    });
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_CERT_INVALID');
    expect(() => fromWireCertificate(wire)).toThrow('group 2 is beyond role rental');
    // The organisation follows the text rule of a licence's name: no whitespace around it.
    expect(() => fromWireCertificate({ ...wire, org: ' 某租车 ', may: [0, 1] })).toThrow(
      expect.objectContaining({
        code: 'ERR_CLAIMS_INVALID',
        message: 'certificate org: expected no whitespace at its start or end, found some',
      }),
    );
  });

  it('when a rental device asks for the police purpose, then ERR_REQUEST_BEYOND_ROLE', async () => {
    const { text } = await createRequest(rentalCert, keys.holder, { now, purpose: 'police' });
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_BEYOND_ROLE');
  });

  it('when a rental device asks for the ID number as a custom purpose, then ERR_REQUEST_BEYOND_ROLE', async () => {
    const { text } = await createRequest(rentalCert, keys.holder, {
      now,
      purpose: 'custom',
      groups: [0, 2],
    });
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_BEYOND_ROLE');
  });

  it('when a rental device asks for less as a custom purpose, then it is accepted', async () => {
    const { text } = await createRequest(rentalCert, keys.holder, {
      now,
      purpose: 'custom',
      groups: [0],
    });
    expect(verify(text)).toMatchObject({ purpose: 'custom', groups: [0] });
  });

  it('when another key signed the request, then ERR_REQUEST_SIGNATURE', async () => {
    const { text } = await createRequest(rentalCert, keys.otherHolder, { now, purpose: 'rental' });
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_SIGNATURE');
  });

  it('when the nonce was changed, then ERR_REQUEST_SIGNATURE', () => {
    const parts = decodeRequest(rentalRequest);
    const text = encodeRequest({ ...parts, nonce: 'BAAAAAAAAAAAAAAAAAAAAA' });
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_SIGNATURE');
  });

  it('when the request is older than five minutes, then ERR_REQUEST_EXPIRED', () => {
    const late = new Date((IAT + REQUEST_MAX_AGE + 11) * 1000);
    expect(refusal(() => verify(rentalRequest, { now: late }))).toBe('ERR_REQUEST_EXPIRED');
    const inTime = new Date((IAT + REQUEST_MAX_AGE + 10) * 1000);
    expect(refusal(() => verify(rentalRequest, { now: inTime }))).toBe('accepted');
  });

  it("when the request is dated after the phone's clock, then ERR_REQUEST_NOT_YET_VALID", () => {
    const early = new Date((IAT - 11) * 1000);
    expect(refusal(() => verify(rentalRequest, { now: early }))).toBe('ERR_REQUEST_NOT_YET_VALID');
  });

  it.each([
    ['a presentation prefix', rentalRequest.replace('LZQ1:', 'LZ2:')],
    ['a truncated text', rentalRequest.slice(0, -3)],
    ['a payment code', 'https://qr.alipay.com/fkx12345'],
    ['an empty text', ''],
  ])('when the text is %s, then ERR_REQUEST_MALFORMED', (_what, text) => {
    expect(refusal(() => verify(text))).toBe('ERR_REQUEST_MALFORMED');
  });
});

describe('the request QR', () => {
  it('when a police or a rental device asks, then the code fits QR version 15 at ECC M', async () => {
    const police = await signVerifierCertificate(
      certificate({ role: 'police', may: [0, 1, 2, 3, 4, 5], org: '广州市公安局交通警察支队' }),
      keys.issuer,
    );
    const { text } = await createRequest(police, keys.holder, { now, purpose: 'police' });
    expect([text.length, qrVersion(text)]).toEqual([933, 15]);
    expect([rentalRequest.length, qrVersion(rentalRequest)]).toEqual([960, 15]);
  });
});
