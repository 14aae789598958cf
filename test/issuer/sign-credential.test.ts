import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  credentialExpiry,
  signCredential,
  signCredentialV2,
} from '../../issuer/sign-credential.js';
import { issueCredentialV2, parseHolderCopy } from '../../shared/sd/credential-v2.js';
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

/** 00:00 China time (UTC+8) of a date, in seconds. */
const chinaMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`) / 1000;

describe('signCredentialV2', () => {
  const now = new Date('2026-11-24T02:00:00Z');
  const iat = now.getTime() / 1000;

  it("when the licence is normal, then a version 2 credential and its holder's copy, a new seed each time", async () => {
    const request = { ...base, licence: referenceLicence(0), now, portraitHash: 'p'.repeat(43) };
    const first = await signCredentialV2(request, issuer);
    const jws = parseCompactJws(first.credential);
    expect(new TextDecoder().decode(jws.headerBytes)).toBe(
      `{"alg":"EdDSA","kid":"${issuer.kid}","typ":"lzdl+sd-jwt"}`,
    );
    const copy = parseHolderCopy(first.holderCopy);
    expect(copy.credential).toBe(first.credential);
    expect(copy.claims).toMatchObject({ iat, nbf: iat, exp: iat + 30 * 86_400 });
    expect(copy.values[0]).toEqual({ nm: referenceLicence(0).name, ph: 'p'.repeat(43) });
    const second = parseHolderCopy((await signCredentialV2(request, issuer)).holderCopy);
    expect(Buffer.from(second.seed).equals(Buffer.from(copy.seed))).toBe(false);
  });

  it('when given the same seed as issueCredentialV2, then the same claims, seed and values (the payload compressed by zlib instead)', async () => {
    const seed = Uint8Array.from({ length: 16 }, (_, i) => i);
    const request = { ...base, licence: referenceLicence(0), now, jti: 'AAAAAAAAAAAAAAAA' };
    const ours = await signCredentialV2(request, issuer, seed);
    const shared = await issueCredentialV2(
      {
        iss: base.issuer,
        iat,
        nbf: iat,
        exp: iat + 30 * 86_400,
        jti: 'AAAAAAAAAAAAAAAA',
        holderKey,
        status: base.status,
        licence: referenceLicence(0),
      },
      issuer,
      seed,
    );
    const [a, b] = [ours, shared].map((c) => parseHolderCopy(c.holderCopy));
    expect(a?.claims).toEqual(b?.claims);
    expect(ours.holderCopy.split('~').slice(1)).toEqual(shared.holderCopy.split('~').slice(1));
    expect(ours.credential.split('.')[0]).toBe(shared.credential.split('.')[0]);
    await expect(signCredentialV2(request, issuer, new Uint8Array(15))).rejects.toThrow(
      'seed: expected 16 bytes',
    );
  });

  it.each([
    ['18th', 18, [false, false]],
    ['60th', 60, [true, false]],
  ] as const)(
    'when the holder reaches the %s birthday within the lifetime, then exp is 00:00 China time of it',
    async (_which, years, flags) => {
      // The birthday is 2026-12-04, ten days after the China date of iat (2026-11-24).
      const licence = { ...referenceLicence(0), birthDate: `${2026 - years}-12-04` };
      const issued = await signCredentialV2({ ...base, licence, now }, issuer, new Uint8Array(16));
      // Read by hand: parseHolderCopy would refuse a birth date the ID number does not encode.
      const [, payload = ''] = issued.credential.split('.');
      const claims = JSON.parse(
        inflateRawSync(Buffer.from(payload, 'base64url'), {
          dictionary: CLAIMS_DICTIONARY,
        }).toString('utf8'),
      ) as { exp: number };
      expect(claims.exp).toBe(chinaMidnight('2026-12-04'));
      expect(credentialExpiry(licence, iat, 30)).toBe(chinaMidnight('2026-12-04'));
      const values = JSON.parse(
        Buffer.from(issued.holderCopy.split('~')[2] ?? '', 'base64url').toString('utf8'),
      ) as unknown[];
      expect(values.slice(4)).toEqual(flags);
    },
  );

  it('when the birthday is the China date of iat or past the lifetime, then exp is not capped by it', () => {
    // 2026-11-24 in China is the 18th birthday itself: the flag is already true.
    expect(credentialExpiry({ validTo: 'long-term', birthDate: '2008-11-24' }, iat, 30)).toBe(
      iat + 30 * 86_400,
    );
    // The 18th birthday 40 days on: after the 30 days.
    expect(credentialExpiry({ validTo: 'long-term', birthDate: '2009-01-03' }, iat, 30)).toBe(
      iat + 30 * 86_400,
    );
    // The licence's last day first, then the birthday: the earlier wins.
    expect(credentialExpiry({ validTo: '2026-11-30', birthDate: '2008-12-04' }, iat, 30)).toBe(
      chinaMidnight('2026-12-01'),
    );
  });

  it('when the licence is suspended, then no credential is issued (ERR_LICENCE_INVALID)', async () => {
    const licence = { ...referenceLicence(0), status: 'D' as const };
    await expect(signCredentialV2({ ...base, licence, now }, issuer)).rejects.toMatchObject({
      code: 'ERR_LICENCE_INVALID',
    });
  });
});

describe('signCredential (version 1)', () => {
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
