import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { signStatusList } from '../../issuer/sign-status-list.js';
import type { CryptoBackend } from '../../shared/crypto-backend.js';
import { isLicenceError } from '../../shared/errors.js';
import { packStatuses, readStatus, type StatusBits } from '../../shared/status-list.js';
import { nobleBackend } from '../../verifier/backends/noble.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { createTrustStore } from '../../verifier/trust-store.js';
import {
  MAX_STATUS_LIST_BYTES,
  verifyStatusList,
  type VerifiedStatusList,
} from '../../verifier/verify-status-list.js';
import { at, epochSeconds, loadTestKeys, signCompact } from '../helpers/presentation-kit.js';

const BACKENDS: readonly CryptoBackend[] = [nodeBackend, nobleBackend];
const keys = loadTestKeys();
const URI = 'https://jtgl.example.cn/status/1';
const T = epochSeconds('2026-03-15T02:00:00Z');

/** A status list token signed by hand (any header, any claims) with the issuer key. */
function handMade(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'EdDSA', kid: keys.issuer.kid, typ: 'statuslist+jwt' },
): Promise<string> {
  return signCompact(JSON.stringify(header), Buffer.from(JSON.stringify(claims)), keys.issuer);
}

function lstOf(bytes: Uint8Array): string {
  return deflateSync(bytes, { level: 9 }).toString('base64url');
}

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return isLicenceError(error) ? error.code : `not a LicenceError: ${String(error)}`;
  }
  return 'no error';
}

describe('packStatuses and readStatus (Token Status List §4.1, LSB first)', () => {
  it('when the 1-bit example of the spec is packed, then the bytes are 0xB9 0xA3', () => {
    const statuses = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    expect([...packStatuses(statuses, 1)]).toEqual([0xb9, 0xa3]);
  });

  it('when the 2-bit example of the spec is packed, then the bytes are 0xC9 0x44 0xF9', () => {
    const statuses = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
    expect([...packStatuses(statuses, 2)]).toEqual([0xc9, 0x44, 0xf9]);
  });

  it('when 4 and 8 bits are packed, then index 0 takes the lowest bits of byte 0', () => {
    expect([...packStatuses([1, 2, 15], 4)]).toEqual([0x21, 0x0f]);
    expect([...packStatuses([5, 255, 0], 8)]).toEqual([5, 255, 0]);
  });

  it.each([1, 2, 4, 8] as const)(
    'when a list of %i-bit entries is packed, then every index reads back its value',
    (bits: StatusBits) => {
      const max = (1 << bits) - 1;
      const statuses = Array.from({ length: 45 }, (_, i) => (i * 7 + 3) % (max + 1));
      const list = packStatuses(statuses, bits);
      expect(list.length).toBe(Math.ceil((45 * bits) / 8));
      for (const index of [0, 1, 7, 8, 9, 31, 44]) {
        expect(readStatus(list, bits, index), `index ${index}`).toBe(statuses[index]);
      }
      expect(statuses.map((_, i) => readStatus(list, bits, i))).toEqual(statuses);
    },
  );

  it('when an index lies outside the list, then RangeError', () => {
    const list = packStatuses([0, 1, 2, 3], 2);
    for (const index of [4, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => readStatus(list, 2, index), String(index)).toThrow(RangeError);
    }
  });

  it('when a value does not fit in the bits, then ERR_MALFORMED', () => {
    expect(codeOf(() => packStatuses([0, 2], 1))).toBe('ERR_MALFORMED');
    expect(codeOf(() => packStatuses([4], 2))).toBe('ERR_MALFORMED');
    expect(codeOf(() => packStatuses([-1], 8))).toBe('ERR_MALFORMED');
  });
});

describe.each(BACKENDS)('verifyStatusList on the $name backend', (backend) => {
  const trust = createTrustStore([keys.issuerJwks], backend);

  it('when a list signed with signStatusList is verified, then its claims and entries come back', async () => {
    const statuses = [0, 1, 2, 3, 0, 0, 3, 2, 1];
    const token = await signStatusList(
      { uri: URI, statuses, bits: 2, now: at(T), validFor: 3600, ttl: 300 },
      keys.issuer,
    );
    const list: VerifiedStatusList = verifyStatusList(token, trust);
    // Node's inflate gives a Buffer (a Uint8Array subclass): compare the bytes.
    expect({ ...list, list: [...list.list] }).toEqual({
      uri: URI,
      iat: T,
      exp: T + 3600,
      ttl: 300,
      bits: 2,
      list: [...packStatuses(statuses, 2)],
    });
    expect(statuses.map((_, i) => readStatus(list.list, list.bits, i))).toEqual(statuses);
  });

  it('when the typ is not statuslist+jwt, then ERR_WRONG_TYPE', async () => {
    const token = await handMade(
      { sub: URI, iat: T, status_list: { bits: 1, lst: lstOf(Uint8Array.of(0)) } },
      { alg: 'EdDSA', kid: keys.issuer.kid, typ: 'JWT' },
    );
    expect(codeOf(() => verifyStatusList(token, trust))).toBe('ERR_WRONG_TYPE');
  });

  it('when the list is signed by a key not in the trust store, then ERR_UNKNOWN_ISSUER', async () => {
    const token = await signStatusList(
      { uri: URI, statuses: [0], bits: 2, now: at(T), validFor: 3600, ttl: 300 },
      keys.otherIssuer,
    );
    expect(codeOf(() => verifyStatusList(token, trust))).toBe('ERR_UNKNOWN_ISSUER');
  });

  it('when the signature has one byte changed, then ERR_BAD_SIGNATURE', async () => {
    const token = await signStatusList(
      { uri: URI, statuses: [0], bits: 2, now: at(T), validFor: 3600, ttl: 300 },
      keys.issuer,
    );
    const dot = token.lastIndexOf('.');
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    signature[10] = (signature[10] ?? 0) ^ 1;
    const tampered = `${token.slice(0, dot)}.${signature.toString('base64url')}`;
    expect(codeOf(() => verifyStatusList(tampered, trust))).toBe('ERR_BAD_SIGNATURE');
  });

  it('when lst inflates past MAX_STATUS_LIST_BYTES (a zlib bomb), then ERR_TOO_LARGE', async () => {
    expect(bombLst.length).toBeLessThan(100_000);
    const token = await handMade({ sub: URI, iat: T, status_list: { bits: 1, lst: bombLst } });
    expect(codeOf(() => verifyStatusList(token, trust))).toBe('ERR_TOO_LARGE');
  });

  it('when the claims break a rule, then ERR_CLAIMS_INVALID', async () => {
    const lst = lstOf(Uint8Array.of(0));
    for (const claims of [
      { iat: T, status_list: { bits: 1, lst } },
      { sub: URI, status_list: { bits: 1, lst } },
      { sub: URI, iat: T, exp: -1, status_list: { bits: 1, lst } },
      { sub: URI, iat: T, status_list: { bits: 3, lst } },
      { sub: URI, iat: T, status_list: { bits: 1 } },
      { sub: URI, iat: T },
    ]) {
      const token = await handMade(claims);
      expect(
        codeOf(() => verifyStatusList(token, trust)),
        JSON.stringify(claims),
      ).toBe('ERR_CLAIMS_INVALID');
    }
  });

  it('when lst is not zlib, then ERR_MALFORMED', async () => {
    const token = await handMade({
      sub: URI,
      iat: T,
      status_list: { bits: 1, lst: Buffer.from('not zlib').toString('base64url') },
    });
    expect(codeOf(() => verifyStatusList(token, trust))).toBe('ERR_MALFORMED');
  });

  it('when the zlib Adler-32 of lst is wrong, then ERR_MALFORMED', async () => {
    const zlib = deflateSync(Uint8Array.of(0, 0));
    zlib[zlib.length - 1] = (zlib[zlib.length - 1] ?? 0) ^ 1;
    const token = await handMade({
      sub: URI,
      iat: T,
      status_list: { bits: 1, lst: zlib.toString('base64url') },
    });
    expect(codeOf(() => verifyStatusList(token, trust))).toBe('ERR_MALFORMED');
  });
});

/** 2^25 + 2^20 zero bytes, zlib-compressed: about 33 KB that inflate past the ceiling. */
const bombLst = lstOf(new Uint8Array(MAX_STATUS_LIST_BYTES + (1 << 20)));
