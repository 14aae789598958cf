import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { signCredential } from '../../issuer/sign-credential.js';
import { CLAIMS_DICTIONARY } from '../../shared/claims-dictionary.js';
import { isLicenceError } from '../../shared/errors.js';
import { parseCompactJws } from '../../shared/compact-jws.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';
import { referenceLicence } from '../helpers/presentation-kit.js';

const issuer = createJwkSigner(generateKeyPair().privateJwk);
const holderKey = createJwkSigner(generateKeyPair().privateJwk).publicJwk.x;
const base = {
  holderKey,
  issuer: 'https://liangzheng.example',
  status: { idx: 7, uri: 'https://liangzheng.example/status/1' },
  validDays: 30,
};

async function refusal(request: Parameters<typeof signCredential>[0]): Promise<string> {
  try {
    await signCredential(request, issuer);
  } catch (error) {
    if (isLicenceError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'issued';
}

describe('signCredential', () => {
  it('when the licence is normal, then the header is the canonical one and exp is validDays later', async () => {
    const now = new Date('2026-11-24T02:00:00Z');
    const jws = parseCompactJws(
      await signCredential({ ...base, licence: referenceLicence(0), now }, issuer),
    );
    expect(new TextDecoder().decode(jws.headerBytes)).toBe(
      `{"alg":"EdDSA","kid":"${issuer.kid}","typ":"lzdl+jwt"}`,
    );
  });

  it.each([
    ['suspended (D)', { status: 'D' as const }, 'licence status: expected A'],
    ['12 points', { points: 12 }, 'licence points: expected below 12, found 12'],
    ['expired', { validTo: '2026-11-23' }, 'expired (valid to 2026-11-23)'],
    ['not yet valid', { validFrom: '2026-11-25', validTo: '2036-11-25' }, 'not yet valid'],
  ])(
    'when the licence is %s, then no credential is issued (ERR_LICENCE_INVALID)',
    async (_why, change, words) => {
      const licence = { ...referenceLicence(0), ...change };
      const outcome = await refusal({ ...base, licence, now: new Date('2026-11-24T02:00:00Z') });
      expect(outcome).toMatch(/^ERR_LICENCE_INVALID: /);
      expect(outcome).toContain(words);
    },
  );

  it('when validTo is near, then exp stops at the end of its last day in China time', async () => {
    const licence = { ...referenceLicence(0), validTo: '2026-11-30' };
    const jws = await signCredential(
      { ...base, licence, now: new Date('2026-11-24T02:00:00Z') },
      issuer,
    );
    const payload = inflateRawSync(parseCompactJws(jws).payloadBytes, {
      dictionary: CLAIMS_DICTIONARY,
    });
    const { exp } = JSON.parse(payload.toString('utf8')) as { exp: number };
    // 2026-12-01T00:00:00+08:00
    expect(exp).toBe(Date.parse('2026-11-30T16:00:00Z') / 1000);
  });

  it('when validDays is out of range, then RangeError', async () => {
    await expect(
      signCredential(
        { ...base, licence: referenceLicence(0), now: new Date(), validDays: 0 },
        issuer,
      ),
    ).rejects.toThrow(RangeError);
  });
});
