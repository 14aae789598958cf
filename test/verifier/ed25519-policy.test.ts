import { generateKeyPairSync } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import {
  isAcceptableKeyEncoding,
  isCanonicalEncoding,
  isCanonicalScalar,
  ORDER_L_ENCODING,
  SMALL_ORDER_ENCODINGS,
} from '../../verifier/internal/ed25519-policy.js';

const hex = (bytes: Uint8Array): string => ed.etc.bytesToHex(bytes);
const bytes = (h: string): Uint8Array => ed.etc.hexToBytes(h);

describe('the Ed25519 policy tables', () => {
  it('when the torsion subgroup is enumerated from a point of order 8, then its encodings are exactly the small-order list', () => {
    const t = ed.Point.fromBytes(bytes(SMALL_ORDER_ENCODINGS[4] as string), false);
    const found = new Set<string>();
    let p = ed.Point.ZERO;
    for (let i = 0; i < 8; i++) {
      found.add(hex(p.toBytes()));
      p = p.add(t);
    }
    expect(p.equals(ed.Point.ZERO)).toBe(true);
    // The two order-4 points with y = 0 differ only in the sign bit; both are listed.
    expect([...found].sort()).toEqual([...SMALL_ORDER_ENCODINGS].sort());
  });

  it('when a listed encoding is decoded, then it is a point of small order', () => {
    for (const e of SMALL_ORDER_ENCODINGS) {
      expect(ed.Point.fromBytes(bytes(e), false).isSmallOrder()).toBe(true);
      expect(isAcceptableKeyEncoding(bytes(e))).toBe(false);
    }
  });

  it.each([
    ['y = p', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
    ['y = p + 1', 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
    ['y = 2^255 − 1', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
    ['y = 1 with the sign bit', '0100000000000000000000000000000000000000000000000000000000000080'],
    [
      'y = p − 1 with the sign bit',
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    ],
  ])('when the encoding has %s, then it is not canonical and noble refuses it too', (_why, h) => {
    expect(isCanonicalEncoding(bytes(h))).toBe(false);
    expect(() => ed.Point.fromBytes(bytes(h), false)).toThrow();
  });

  it('when a key is generated, then its encoding is acceptable', () => {
    for (let i = 0; i < 50; i++) {
      const x = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '';
      expect(isAcceptableKeyEncoding(Buffer.from(x, 'base64url'))).toBe(true);
    }
  });
});

describe('S below L', () => {
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  /** A signature of a zero R and the scalar `s`, little-endian. */
  const withS = (s: bigint): Uint8Array => {
    const signature = new Uint8Array(64);
    for (let i = 0, v = s; i < 32; i++, v >>= 8n) signature[32 + i] = Number(v & 0xffn);
    return signature;
  };

  it('when L is written little-endian, then it is the policy’s L', () => {
    expect(hex(withS(L).subarray(32))).toBe(ORDER_L_ENCODING);
  });

  it.each([
    ['0', 0n, true],
    ['1', 1n, true],
    ['L − 1', L - 1n, true],
    ['2^252 (below L, one byte apart only at the top)', 2n ** 252n, true],
    ['L', L, false],
    ['L + 1', L + 1n, false],
    ['2^253', 2n ** 253n, false],
    ['2^256 − 1', 2n ** 256n - 1n, false],
  ] as const)('when S is %s, then S < L is %s', (_what, s, below) => {
    expect(isCanonicalScalar(withS(s))).toBe(below);
  });
});
