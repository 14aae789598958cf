import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CryptoBackend, Signer } from '../../shared/crypto-backend.js';
import { isLicenceError } from '../../shared/errors.js';
import { nobleBackend } from '../../verifier/backends/noble.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { createTrustStore } from '../../verifier/trust-store.js';
import { verifyJws } from '../../verifier/verify-jws.js';
import { loadTestKeys, signCompact } from '../helpers/presentation-kit.js';

const BACKENDS: readonly CryptoBackend[] = [nodeBackend, nobleBackend];

// RFC 8037 Appendix A (test/vectors/rfc8037.json, see README.md there).
const rfc8037 = z
  .object({
    cases: z.tuple([
      z.object({
        publicKeyJwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() }),
        thumbprint: z.string(),
        jws: z.string(),
      }),
    ]),
  })
  .parse(JSON.parse(readFileSync(new URL('../vectors/rfc8037.json', import.meta.url), 'utf8')));
const A = rfc8037.cases[0];
const [A4_HEADER = '', A4_PAYLOAD = '', A4_SIGNATURE = ''] = A.jws.split('.');
const A4_SIGNATURE_BYTES = Buffer.from(A4_SIGNATURE, 'base64url');

const b64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64url');
/** A token with this header over the A.4 payload and signature: header rules come first. */
const withHeader = (header: string) => `${b64(header)}.${A4_PAYLOAD}.${A4_SIGNATURE}`;

const keys = loadTestKeys();

describe.each(BACKENDS)('verifyJws on the $name backend', (backend) => {
  const a2 = createTrustStore([{ keys: [A.publicKeyJwk] }], backend);
  const codeOf = (token: string) => {
    const result = verifyJws(token, a2);
    return result.valid ? 'valid' : result.code;
  };

  describe('RFC 8037 A.4', () => {
    it('when verified against a JWKS of the A.2 key without kid, then valid, named by its thumbprint', () => {
      const result = verifyJws(A.jws, a2);
      expect(result).toMatchObject({ valid: true, alg: 'EdDSA', kid: A.thumbprint });
      expect(result.typ).toBeUndefined();
      expect(Buffer.from(result.payload ?? []).toString('utf8')).toBe('Example of Ed25519 signing');
    });

    it('when the JWKS key has a kid, then valid, named by that kid', () => {
      const store = createTrustStore(
        [{ keys: [{ ...A.publicKeyJwk, kid: 'rfc8037-a2' }] }],
        backend,
      );
      expect(verifyJws(A.jws, store)).toMatchObject({ valid: true, kid: 'rfc8037-a2' });
    });

    it('when the payload is changed, then ERR_BAD_SIGNATURE', () => {
      expect(codeOf(`${A4_HEADER}.${b64('Example of Ed25519 signinG')}.${A4_SIGNATURE}`)).toBe(
        'ERR_BAD_SIGNATURE',
      );
    });
  });

  describe('the JOSE rules (RFC 7515, 7797, 8725)', () => {
    const cases: readonly [string, string, string][] = [
      ['alg none', withHeader('{"alg":"none"}'), 'ERR_ALG_NOT_ALLOWED'],
      ['alg HS256', withHeader('{"alg":"HS256"}'), 'ERR_ALG_NOT_ALLOWED'],
      ['alg ES256', withHeader('{"alg":"ES256"}'), 'ERR_ALG_NOT_ALLOWED'],
      ['alg lower-case eddsa', withHeader('{"alg":"eddsa"}'), 'ERR_ALG_NOT_ALLOWED'],
      ['no alg', withHeader('{"typ":"JWT"}'), 'ERR_ALG_NOT_ALLOWED'],
      ['alg not a string', withHeader('{"alg":["EdDSA"]}'), 'ERR_ALG_NOT_ALLOWED'],
      ['crit', withHeader('{"alg":"EdDSA","crit":["exp"],"exp":1}'), 'ERR_CRIT_UNSUPPORTED'],
      [
        'b64 false',
        withHeader('{"alg":"EdDSA","b64":false,"crit":["b64"]}'),
        'ERR_CRIT_UNSUPPORTED',
      ],
      ['b64 true', withHeader('{"alg":"EdDSA","b64":true}'), 'ERR_CRIT_UNSUPPORTED'],
      [
        'jwk header',
        withHeader(`{"alg":"EdDSA","jwk":${JSON.stringify(A.publicKeyJwk)}}`),
        'ERR_KEY_IN_HEADER',
      ],
      [
        'jku header',
        withHeader('{"alg":"EdDSA","jku":"https://a.example/k"}'),
        'ERR_KEY_IN_HEADER',
      ],
      [
        'x5u header',
        withHeader('{"alg":"EdDSA","x5u":"https://a.example/c"}'),
        'ERR_KEY_IN_HEADER',
      ],
      ['x5c header', withHeader('{"alg":"EdDSA","x5c":["MIIB"]}'), 'ERR_KEY_IN_HEADER'],
      ['kid not a string', withHeader('{"alg":"EdDSA","kid":1}'), 'ERR_HEADER_INVALID'],
      ['two segments', `${A4_HEADER}.${A4_PAYLOAD}`, 'ERR_MALFORMED'],
      ['four segments', `${A.jws}.${A4_SIGNATURE}`, 'ERR_MALFORMED'],
      ['an empty header segment', `.${A4_PAYLOAD}.${A4_SIGNATURE}`, 'ERR_MALFORMED'],
      ['padding "=" on the signature', `${A.jws}==`, 'ERR_MALFORMED'],
      ['padding "=" on the header', `${A4_HEADER}=.${A4_PAYLOAD}.${A4_SIGNATURE}`, 'ERR_MALFORMED'],
      ['"+" for "-"', A.jws.replace('-', '+'), 'ERR_MALFORMED'],
      ['"/" for "_"', A.jws.replace('_', '/'), 'ERR_MALFORMED'],
      ['a leading space', ` ${A.jws}`, 'ERR_MALFORMED'],
      ['a trailing newline', `${A.jws}\n`, 'ERR_MALFORMED'],
      ['a space after a dot', `${A4_HEADER}. ${A4_PAYLOAD}.${A4_SIGNATURE}`, 'ERR_MALFORMED'],
      // The signature's last character carries 2 bits; "g" (32) has zeros in the 4 unused bits.
      ['non-canonical trailing bits', `${A.jws.slice(0, -1)}h`, 'ERR_MALFORMED'],
      [
        'a 63-byte signature',
        `${A4_HEADER}.${A4_PAYLOAD}.${b64(A4_SIGNATURE_BYTES.subarray(0, 63))}`,
        'ERR_MALFORMED',
      ],
      [
        'a 65-byte signature',
        `${A4_HEADER}.${A4_PAYLOAD}.${b64(Buffer.concat([A4_SIGNATURE_BYTES, Buffer.of(0)]))}`,
        'ERR_MALFORMED',
      ],
      ['a header that is not JSON', withHeader('{alg:EdDSA}'), 'ERR_MALFORMED'],
      ['a header that is a JSON array', withHeader('[{"alg":"EdDSA"}]'), 'ERR_MALFORMED'],
      ['a header that is a JSON string', withHeader('"EdDSA"'), 'ERR_MALFORMED'],
      [
        'a byte-order mark before the header',
        `${b64(Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from('{"alg":"EdDSA"}')]))}.${A4_PAYLOAD}.${A4_SIGNATURE}`,
        'ERR_MALFORMED',
      ],
      [
        'a header that is not UTF-8',
        `${b64(Uint8Array.of(0x7b, 0xc0, 0x7d))}.${A4_PAYLOAD}.${A4_SIGNATURE}`,
        'ERR_MALFORMED',
      ],
      [
        'a kid that names no key of the set',
        withHeader('{"alg":"EdDSA","kid":"nope"}'),
        'ERR_UNKNOWN_ISSUER',
      ],
    ];
    for (const [what, token, code] of cases) {
      it(`when the token has ${what}, then ${code}`, () => {
        expect(codeOf(token)).toBe(code);
      });
    }

    it('when alg is Ed25519 (RFC 9864), then the header rules pass and the signature decides', () => {
      // A.4 signed {"alg":"EdDSA"}: with another header the signature no longer matches.
      expect(codeOf(withHeader('{"alg":"Ed25519"}'))).toBe('ERR_BAD_SIGNATURE');
    });
  });
});

describe.each(BACKENDS)('verifyJws with a JWKS of several keys on the $name backend', (backend) => {
  const issuerJwk = keys.issuer.publicJwk;
  const otherJwk = keys.otherIssuer.publicJwk;
  const store = createTrustStore([{ keys: [otherJwk, issuerJwk] }], backend);
  const payload = Buffer.from('{"hello":"world"}');
  /** The payload signed by `signer` under a header (EdDSA) that names the key `kid`. */
  const signedNaming = (kid: string, signer: Pick<Signer, 'sign'>) =>
    signCompact(`{"alg":"EdDSA","kid":"${kid}"}`, payload, signer);

  it('when the kid names the second key, then valid with that kid', async () => {
    const token = await signCompact(
      `{"alg":"EdDSA","kid":"${keys.issuer.kid}","typ":"JWT"}`,
      payload,
      keys.issuer,
    );
    expect(verifyJws(token, store)).toMatchObject({
      valid: true,
      alg: 'EdDSA',
      kid: keys.issuer.kid,
      typ: 'JWT',
    });
  });

  it('when there is no kid, then each key is tried and the one that verifies is named', async () => {
    const token = await signCompact('{"alg":"Ed25519"}', payload, keys.issuer);
    expect(verifyJws(token, store)).toMatchObject({
      valid: true,
      alg: 'Ed25519',
      kid: keys.issuer.kid,
    });
  });

  it('when the JWKS keys have no kid, then a kid matches their RFC 7638 thumbprint', async () => {
    const strip = ({ kty, crv, x }: typeof issuerJwk) => ({ kty, crv, x });
    const bare = createTrustStore([{ keys: [strip(otherJwk), strip(issuerJwk)] }], backend);
    const token = await signedNaming(keys.issuer.kid, keys.issuer);
    expect(verifyJws(token, bare)).toMatchObject({ valid: true, kid: keys.issuer.kid });
  });

  it('when the kid names one key but another signed, then ERR_BAD_SIGNATURE', async () => {
    const token = await signedNaming(keys.issuer.kid, keys.otherIssuer);
    expect(verifyJws(token, store)).toMatchObject({ valid: false, code: 'ERR_BAD_SIGNATURE' });
  });

  it('when the kid is unknown, then ERR_UNKNOWN_ISSUER', async () => {
    const token = await signedNaming(keys.holder.kid, keys.holder);
    expect(verifyJws(token, store)).toMatchObject({ valid: false, code: 'ERR_UNKNOWN_ISSUER' });
  });

  it('when no key of the set signed and there is no kid, then ERR_BAD_SIGNATURE', async () => {
    const token = await signCompact('{"alg":"EdDSA"}', payload, keys.holder);
    expect(verifyJws(token, store)).toMatchObject({ valid: false, code: 'ERR_BAD_SIGNATURE' });
  });
});

describe.each(BACKENDS)('createTrustStore on the $name backend', (backend) => {
  it('when the JWKS holds a private key (with d), then ERR_KEY_INVALID', () => {
    const privateJwk: unknown = JSON.parse(
      readFileSync(new URL('../vectors/keys/issuer.private.jwk.json', import.meta.url), 'utf8'),
    );
    let error: unknown;
    try {
      createTrustStore([{ keys: [A.publicKeyJwk, privateJwk] }], backend);
    } catch (e) {
      error = e;
    }
    expect(isLicenceError(error, 'ERR_KEY_INVALID')).toBe(true);
    // The message names the key and the member, never the key material.
    expect(String(error)).toContain('"d"');
    expect(String(error)).not.toContain((privateJwk as { d: string }).d);
  });
});
