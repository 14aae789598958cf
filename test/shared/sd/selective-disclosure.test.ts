import { createHash, createHmac } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLAIMS_DICTIONARY } from '../../../shared/claims-dictionary.js';
import type { CryptoBackend } from '../../../shared/crypto-backend.js';
import { isLicenceError, type LicenceErrorCode } from '../../../shared/errors.js';
import { decodeDigits, encodeDigits } from '../../../shared/internal/digits.js';
import type { LicenceRecord } from '../../../shared/licence/record.js';
import { parsePartialLicenceRecord } from '../../../shared/licence/validate.js';
import { parseHolderCopy } from '../../../shared/sd/credential-v2.js';
import {
  ageFlags,
  ageFlagsChangeAt,
  GROUP_NAMES,
  groupsFor,
  groupValuesOf,
  PURPOSES,
  type GroupIndex,
  type GroupValues,
  type Purpose,
} from '../../../shared/sd/groups.js';
import {
  compressJson,
  createPresentationV2,
  decodePresentationV2,
  PRESENTATION_PREFIX_V2,
  proofSigningInputV2,
} from '../../../shared/sd/presentation-v2.js';
import { nobleBackend } from '../../../verifier/backends/noble.js';
import { nodeBackend } from '../../../verifier/backends/node.js';
import { REASONS } from '../../../verifier/internal/messages.js';
import { loadTestKeys, referenceLicence } from '../../helpers/presentation-kit.js';
import {
  fixedClaims,
  fixedCredential,
  FIXED_SEED,
  IAT,
  PORTRAIT_HASH,
  presentByHand,
  rewrite,
  decisionOf,
  verifyAtIssue,
} from '../../helpers/sd-kit.js';

const BACKENDS: readonly CryptoBackend[] = [nodeBackend, nobleBackend];
const keys = loadTestKeys();
const { credential, holderCopy } = await fixedCredential(keys);
const now = new Date((IAT + 5) * 1000);
const VALUES = groupValuesOf(referenceLicence(0), PORTRAIT_HASH, '2025-11-25');

function codeOf(f: () => unknown): LicenceErrorCode | 'no error' {
  try {
    f();
  } catch (error) {
    if (isLicenceError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

const rental = await createPresentationV2(holderCopy, keys.holder, { now, purpose: 'rental' });
const police = await createPresentationV2(holderCopy, keys.holder, { now, purpose: 'police' });

const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

describe('groups, purposes and age flags', () => {
  it('gives each purpose its one-byte code and its groups', () => {
    expect(
      Object.fromEntries(Object.entries(PURPOSES).map(([p, v]) => [p, [v.code, v.groups]])),
    ).toEqual({
      police: [1, [0, 1, 2, 3, 4, 5]],
      rental: [2, [0, 1]],
      insurance: [3, [0, 1]],
      employer: [4, [0, 1]],
      age: [5, [4]],
      custom: [6, undefined],
    });
    expect(groupsFor('custom', [5, 0, 3])).toEqual([0, 3, 5]);
    expect(() => groupsFor('custom', [])).toThrow(RangeError);
    expect(() => groupsFor('custom', [1, 1])).toThrow(RangeError);
    expect(() => groupsFor('custom', [6])).toThrow(RangeError);
    expect(() => groupsFor('rental', [0])).toThrow(RangeError);
  });

  it('turns each age flag on the birthday, 29 February on 1 March in other years', () => {
    expect(ageFlags('1990-03-07', '2025-11-25')).toEqual({ ageOver18: true, ageOver60: false });
    expect(ageFlags('2008-02-29', '2026-02-28').ageOver18).toBe(false);
    expect(ageFlags('2008-02-29', '2026-03-01').ageOver18).toBe(true);
    expect(ageFlags('2007-11-25', '2025-11-25').ageOver18).toBe(true);
    expect(ageFlags('2007-11-26', '2025-11-25').ageOver18).toBe(false);
    expect(ageFlags('1965-11-25', '2025-11-25').ageOver60).toBe(true);
  });

  it('says when a flag would next change, at 00:00 China time, so exp can be capped there', () => {
    expect(ageFlagsChangeAt('1990-03-07', IAT)).toBe(Date.parse('2050-03-06T16:00:00Z') / 1000);
    expect(ageFlagsChangeAt('2010-06-01', IAT)).toBe(Date.parse('2028-05-31T16:00:00Z') / 1000);
    expect(ageFlagsChangeAt('1960-01-01', IAT)).toBeUndefined();
    // iat is 2025-11-25 00:00 in China: on the 18th birthday itself the flag is already true.
    expect(ageFlagsChangeAt('2007-11-25', IAT)).toBe(Date.parse('2067-11-24T16:00:00Z') / 1000);
  });

  it('checks some fields of a record: each by its rule, cross rules only when all are there', () => {
    expect(parsePartialLicenceRecord({ firstIssueDate: '1980-01-01' })).toEqual({
      firstIssueDate: '1980-01-01',
    });
    expect(() =>
      parsePartialLicenceRecord({ firstIssueDate: '1980-01-01', birthDate: '1990-03-07' }),
    ).toThrow(/firstIssueDate/);
    expect(() => parsePartialLicenceRecord({ points: 13 })).toThrow(/points/);
    expect(() => parsePartialLicenceRecord({ colour: 'red' })).toThrow(/colour/);
  });
});

describe('the holder copy', () => {
  it('round-trips: the values, the seed and every digest against sd', () => {
    const copy = parseHolderCopy(holderCopy);
    expect(copy.credential).toBe(credential);
    expect(copy.seed).toEqual(FIXED_SEED);
    expect(copy.values).toEqual(VALUES);
    expect(copy.claims.iat).toBe(IAT);
    expect(b64(copy.claims.sd)).toBe('N97cn353f2Q96YFeB43JqQ');
  });

  it('refuses a changed value or seed (ERR_DISCLOSURE_MISMATCH) and a non-canonical copy', () => {
    const [jws = '', seed = '', values = ''] = holderCopy.split('~');
    const json = Buffer.from(values, 'base64url').toString('utf8');
    const other = b64(json.replace('"pt":3', '"pt":0'));
    expect(codeOf(() => parseHolderCopy(`${jws}~${seed}~${other}`))).toBe(
      'ERR_DISCLOSURE_MISMATCH',
    );
    const seed2 = b64(Uint8Array.from({ length: 16 }, (_, i) => i + 1));
    expect(codeOf(() => parseHolderCopy(`${jws}~${seed2}~${values}`))).toBe(
      'ERR_DISCLOSURE_MISMATCH',
    );
    expect(codeOf(() => parseHolderCopy(`${jws}~${seed}~${b64(`${json} `)}`))).toBe(
      'ERR_MALFORMED',
    );
    expect(codeOf(() => parseHolderCopy(`${jws}~${seed}`))).toBe('ERR_MALFORMED');
    const v1Header = b64(`{"alg":"EdDSA","kid":"${keys.issuer.kid}","typ":"lzdl+jwt"}`);
    const v1 = [v1Header, ...jws.split('.').slice(1)].join('.');
    expect(codeOf(() => parseHolderCopy(`${v1}~${seed}~${values}`))).toBe('ERR_WRONG_TYPE');
    expect(codeOf(() => parseHolderCopy(`${jws}~${seed}~${values}~`))).toBe('ERR_MALFORMED');
  });

  it('when codes are made from one copy, then from a changed one, then from the first again, then the changed one is refused each time and the first still makes codes of its own values', async () => {
    const [jws = '', seed = '', values = ''] = holderCopy.split('~');
    const json = Buffer.from(values, 'base64url').toString('utf8');
    const changed = `${jws}~${seed}~${b64(json.replace('"pt":3', '"pt":0'))}`;
    const make = (copy: string) =>
      createPresentationV2(copy, keys.holder, { now, purpose: 'rental' }).then(
        (text) => text,
        (error: unknown) => (isLicenceError(error) ? error.code : 'other error'),
      );
    expect(await make(holderCopy)).toBe(rental);
    expect(await make(changed)).toBe('ERR_DISCLOSURE_MISMATCH');
    expect(await make(changed)).toBe('ERR_DISCLOSURE_MISMATCH');
    expect(await make(holderCopy)).toBe(rental);
    const other = await fixedCredential(keys, {
      ...fixedClaims(keys.holder),
      licence: referenceLicence(1),
    });
    const otherCode = await make(other.holderCopy);
    expect(decodePresentationV2(otherCode, nodeBackend).values).toEqual(
      groupsFor('rental').map((g) => parseHolderCopy(other.holderCopy).values[g]),
    );
    expect(await make(holderCopy)).toBe(rental);
  });
});

describe('known answers (fixed keys, fixed seed)', () => {
  it('derives the salts, disclosures and digests exactly as FORMAT.md §8.3 says', () => {
    const copy = parseHolderCopy(holderCopy);
    expect(copy.salts.map(b64)).toEqual([
      'AAVrRl1If9ot2I2qc4pp1g',
      'l28CIj_8BnHITt6fY90VDQ',
      'XxsWiI30WpehNnS6sPTQRw',
      'XMpudFnxy51oVOhD-qeRvw',
      'qXz6urKGdHHtCU0v5lg2-Q',
      'H6xyeoygXfgbDTtytorTKg',
      'gCjS_-gCBDbUZGtWyRn-Pg',
    ]);
    expect(copy.digests.map(b64)).toEqual([
      'Ev97amJYf4s5ngLsRbwD4w',
      'Y97M4xzxB1VtSMSTCxe1JQ',
      'x6E7RMHDjfS_8mYrm19mvQ',
      'to4ad4NRQgx669v8vMuRwg',
      '_FZ5odJkZcn6-N7_U4_8Qg',
      '6S9JNAvV-c0Mi4xs8fzXjw',
      'TIX8Y_1zW0_X3fichjlu5g',
    ]);
    expect(Buffer.from(copy.disclosures[4] ?? '', 'base64url').toString()).toBe(
      '["qXz6urKGdHHtCU0v5lg2-Q","age_over_18",true]',
    );
    expect(Buffer.from(copy.disclosures[6] ?? '', 'base64url').toString()).toBe(
      `["gCjS_-gCBDbUZGtWyRn-Pg","all",${JSON.stringify(VALUES)}]`,
    );
  });

  it('builds the digest tree of §8.3: ((holder … file), all), (age flags)', () => {
    const [d0, d1, d2, d3, d4, d5, all] = parseHolderCopy(holderCopy).digests as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const n = (a: Uint8Array, b: Uint8Array) =>
      createHash('sha256').update(a).update(b).digest().subarray(0, 16);
    const n0123 = n(n(d0, d1), n(d2, d3));
    expect(b64(n0123)).toBe('LxSccpszsxLv92cQgEONBw');
    expect(b64(n(n(n0123, all), n(d4, d5)))).toBe('N97cn353f2Q96YFeB43JqQ');
  });

  it('signs the proof input of §8.6, byte for byte', async () => {
    const copy = parseHolderCopy(holderCopy);
    const hash = createHash('sha256')
      .update(`${credential}~${copy.disclosures[0]}~${copy.disclosures[1]}~`, 'ascii')
      .digest();
    const expected =
      `${b64('{"alg":"EdDSA","typ":"lzkb+jwt"}')}.` +
      b64(`{"iat":${IAT + 5},"nonce":"n0nce","purpose":"rental","sd_hash":"${b64(hash)}"}`);
    expect(Buffer.from(proofSigningInputV2(hash, IAT + 5, 'rental', 'n0nce')).toString()).toBe(
      expected,
    );
    expect(Buffer.from(proofSigningInputV2(hash, IAT + 5, 'police')).toString()).toBe(
      `${b64('{"alg":"EdDSA","typ":"lzkb+jwt"}')}.${b64(`{"iat":${IAT + 5},"purpose":"police","sd_hash":"${b64(hash)}"}`)}`,
    );
    const text = await createPresentationV2(holderCopy, keys.holder, {
      now,
      nonce: 'n0nce',
      purpose: 'rental',
    });
    const parts = decodePresentationV2(text, nodeBackend);
    expect(
      nodeBackend.verifyOnce(
        Buffer.from(keys.holder.publicJwk.x, 'base64url'),
        Buffer.from(expected),
        parts.proofSignature,
      ),
    ).toBe(true);
  });

  it('derives each salt with HMAC-SHA-256 keyed by the seed', () => {
    const copy = parseHolderCopy(holderCopy);
    const salt = createHmac('sha256', FIXED_SEED).update('driving').digest().subarray(0, 16);
    expect(b64(copy.salts[1] ?? new Uint8Array())).toBe(b64(salt));
  });
});

const PRESENTATIONS: readonly [Purpose, readonly number[] | undefined][] = [
  ['police', undefined],
  ['rental', undefined],
  ['insurance', undefined],
  ['employer', undefined],
  ['age', undefined],
  ['custom', [2, 4]],
  ['custom', [5, 0, 3]],
  ['custom', [0, 1, 2, 3, 4, 5]],
];

describe.each(BACKENDS)('presentations on the $name backend', (backend) => {
  it.each(PRESENTATIONS)('round-trips a %s presentation %j', async (purpose, groups) => {
    const text = await createPresentationV2(holderCopy, keys.holder, {
      now,
      purpose,
      ...(groups === undefined ? {} : { groups }),
    });
    expect(text.startsWith(PRESENTATION_PREFIX_V2)).toBe(true);
    const report = verifyAtIssue(text, backend, keys.issuerJwks);
    expect(decisionOf(report)).toEqual({ code: 'valid' });
    const shown = groupsFor(purpose, groups);
    expect(report.disclosure?.version).toBe(2);
    expect(report.disclosure?.purpose).toBe(purpose);
    expect(report.disclosure?.disclosed).toEqual(shown.map((g) => GROUP_NAMES[g]));
    expect(report.disclosure?.withheld).toEqual(
      GROUP_NAMES.filter((_, g) => !shown.includes(g as GroupIndex)),
    );
    const l = referenceLicence(0);
    const expected: Partial<LicenceRecord> = {
      ...(shown.includes(0) ? { name: l.name } : {}),
      ...(shown.includes(1)
        ? {
            classes: l.classes,
            validFrom: l.validFrom,
            validTo: l.validTo,
            status: l.status,
            points: l.points,
          }
        : {}),
      ...(shown.includes(2)
        ? {
            licenceNumber: l.licenceNumber,
            sex: l.sex,
            nationality: l.nationality,
            birthDate: l.birthDate,
            address: l.address,
          }
        : {}),
      ...(shown.includes(3)
        ? {
            firstIssueDate: l.firstIssueDate,
            issuingAuthority: l.issuingAuthority,
            fileNumber: l.fileNumber,
          }
        : {}),
    };
    expect(report.licence).toEqual(expected);
    expect(report.credential?.portraitHash).toBe(shown.includes(0) ? PORTRAIT_HASH : undefined);
    expect(report.disclosure?.ageOver18).toBe(shown.includes(4) ? true : undefined);
    expect(report.disclosure?.ageOver60).toBe(shown.includes(5) ? false : undefined);
    if (!shown.includes(2)) expect(text).not.toContain(l.licenceNumber);
  });

  const code = (text: string) => decisionOf(verifyAtIssue(text, backend, keys.issuerJwks)).code;
  const custom = (indices: number[], secret?: Uint8Array) =>
    rewrite(rental, backend, (e) => ({
      ...e,
      purposeCode: 6,
      indices,
      secret: secret ?? e.secret,
    }));

  it('refuses a changed value, even with a proof over it: ERR_DISCLOSURE_MISMATCH', async () => {
    const changed = [...VALUES] as unknown as GroupValues;
    (changed as unknown as unknown[])[1] = { ...VALUES[1], cl: ['A1', 'A2', 'D'] };
    const text = await presentByHand(credential, changed, keys.holder, { purpose: 'rental' });
    expect(decisionOf(verifyAtIssue(text, backend, keys.issuerJwks))).toEqual({
      code: 'ERR_DISCLOSURE_MISMATCH',
      check: 'disclosures',
    });
  });

  it('refuses a changed salt, and a changed withheld hash: ERR_DISCLOSURE_MISMATCH', () => {
    const salt = rewrite(rental, backend, (e) => {
      const secret = e.secret.slice();
      secret[3] = (secret[3] ?? 0) ^ 1;
      return { ...e, secret };
    });
    expect(code(salt)).toBe('ERR_DISCLOSURE_MISMATCH');
    const node = rewrite(rental, backend, (e) => {
      const withheld = e.withheld.slice();
      withheld[0] = (withheld[0] ?? 0) ^ 1;
      return { ...e, withheld };
    });
    expect(code(node)).toBe('ERR_DISCLOSURE_MISMATCH');
  });

  it('refuses an index listed twice: ERR_DISCLOSURE_DUPLICATE', () => {
    expect(code(custom([0, 0]))).toBe('ERR_DISCLOSURE_DUPLICATE');
    expect(code(custom([0, 1, 1]))).toBe('ERR_DISCLOSURE_DUPLICATE');
  });

  it('refuses an index with no digest in the credential: ERR_DISCLOSURE_UNKNOWN', () => {
    expect(code(custom([0, 7]))).toBe('ERR_DISCLOSURE_UNKNOWN');
    expect(code(custom([200]))).toBe('ERR_DISCLOSURE_UNKNOWN');
  });

  it('refuses all (6) with any group, which it already discloses: ERR_DISCLOSURE_DUPLICATE', () => {
    expect(code(custom([0, 6]))).toBe('ERR_DISCLOSURE_DUPLICATE');
    expect(code(custom([6, 5]))).toBe('ERR_DISCLOSURE_DUPLICATE');
    expect(code(custom([6, 6]))).toBe('ERR_DISCLOSURE_DUPLICATE');
  });

  it('refuses distinct indices out of order, and none: ERR_MALFORMED', () => {
    expect(code(custom([1, 0]))).toBe('ERR_MALFORMED');
    expect(code(custom([]))).toBe('ERR_MALFORMED');
  });

  it('refuses the six groups one by one, and a salt with the whole disclosure: ERR_MALFORMED', () => {
    const salts = parseHolderCopy(holderCopy).salts.slice(0, 6);
    const six = Uint8Array.from(salts.flatMap((s) => Array.from(s)));
    expect(code(custom([0, 1, 2, 3, 4, 5], six))).toBe('ERR_MALFORMED');
    const salted = rewrite(police, backend, (e) => ({ ...e, secret: salts[0] as Uint8Array }));
    expect(code(salted)).toBe('ERR_MALFORMED');
  });

  /** The police code with its whole disclosure's JSON replaced (signatures kept). */
  const whole = (change: (json: unknown[]) => unknown) =>
    rewrite(police, backend, (e) => {
      const json = JSON.parse(
        Buffer.from(backend.inflate(e.values, 'raw', 4096, CLAIMS_DICTIONARY)).toString('utf8'),
      ) as unknown[];
      return { ...e, values: compressJson(Buffer.from(JSON.stringify(change(json)))) };
    });

  it('refuses a whole disclosure of another shape: ERR_MALFORMED', () => {
    expect(code(whole(([salt, , values]) => [salt, 'holder', values]))).toBe('ERR_MALFORMED');
    expect(code(whole(([salt, name, values]) => [salt, name, values, 1]))).toBe('ERR_MALFORMED');
    expect(code(whole(([salt, name, values]) => [salt, name, (values as []).slice(1)]))).toBe(
      'ERR_MALFORMED',
    );
    expect(code(whole(([salt, name, values]) => [`${salt as string}A`, name, values]))).toBe(
      'ERR_MALFORMED',
    );
    expect(code(whole(([, name, values]) => ['gCjS_-gCBDbUZGtWyRn-Ph', name, values]))).toBe(
      'ERR_MALFORMED', // the last character's unused bits set: not canonical base64url
    );
  });

  it('hashes the whole disclosure as it came: a changed value or spacing is ERR_DISCLOSURE_MISMATCH', () => {
    expect(code(whole((json) => json))).toBe('valid'); // the same text: still valid
    const changedValue = whole(([salt, name, values]) => [
      salt,
      name,
      (values as unknown[]).map((v, g) => (g === 1 ? { ...(v as object), pt: 0 } : v)),
    ]);
    expect(code(changedValue)).toBe('ERR_DISCLOSURE_MISMATCH');
    const spaced = rewrite(police, backend, (e) => {
      const json = Buffer.from(backend.inflate(e.values, 'raw', 4096, CLAIMS_DICTIONARY));
      return { ...e, values: compressJson(Buffer.from(`${json.toString('utf8')} `)) };
    });
    expect(code(spaced)).toBe('ERR_DISCLOSURE_MISMATCH');
  });

  it('refuses values that are not the canonical JSON: ERR_MALFORMED', () => {
    const json = JSON.stringify([VALUES[0], VALUES[1]]);
    const variants = [
      json.replace('[{', '[ {'),
      json.replace('{"cl":["A2","D"],', '{').replace('"pt":3}', '"pt":3,"cl":["A2","D"]}'),
      json.replace('"pt":3', '"pt":3.0'),
      json.replace('"st":"A"', '"st":"\\u0041"'),
      JSON.stringify([VALUES[0]]),
      JSON.stringify([VALUES[0], { ...VALUES[1], extra: 1 }]),
    ];
    for (const text of variants) {
      const values = deflateRawSync(Buffer.from(text), { dictionary: CLAIMS_DICTIONARY });
      expect(code(rewrite(rental, backend, (e) => ({ ...e, values })))).toBe('ERR_MALFORMED');
    }
  });

  it('refuses bytes after the proof signature, and after the values stream: ERR_MALFORMED', () => {
    const bytes = decodeDigits(rental, PRESENTATION_PREFIX_V2.length);
    const longer = PRESENTATION_PREFIX_V2 + encodeDigits(Uint8Array.from([...bytes, 0]));
    expect(code(longer)).toBe('ERR_MALFORMED');
    const values = rewrite(rental, backend, (e) => ({
      ...e,
      values: Uint8Array.from([...e.values, 0]),
    }));
    expect(code(values)).toBe('ERR_MALFORMED');
  });

  it('refuses a purpose byte outside 1-6 and a group set that is not the purpose’s', () => {
    expect(code(rewrite(rental, backend, (e) => ({ ...e, purposeCode: 0 })))).toBe('ERR_MALFORMED');
    expect(code(rewrite(rental, backend, (e) => ({ ...e, purposeCode: 7 })))).toBe('ERR_MALFORMED');
    // rental's two groups under the purpose police, age, or with a third group listed.
    expect(code(rewrite(rental, backend, (e) => ({ ...e, purposeCode: 1 })))).toBe('ERR_MALFORMED');
    expect(code(rewrite(rental, backend, (e) => ({ ...e, purposeCode: 5 })))).toBe('ERR_MALFORMED');
    expect(code(rewrite(rental, backend, (e) => ({ ...e, indices: [0, 1, 2] })))).toBe(
      'ERR_MALFORMED',
    );
  });

  it('binds the purpose: rental re-labelled insurance fails the holder signature', () => {
    expect(
      decisionOf(
        verifyAtIssue(
          rewrite(rental, backend, (e) => ({ ...e, purposeCode: 3 })),
          backend,
          keys.issuerJwks,
        ),
      ),
    ).toEqual({
      code: 'ERR_HOLDER_SIGNATURE',
      check: 'holder_signature',
    });
  });

  it('refuses text over 4096 characters (ERR_TOO_LARGE) and the v1 prefix', () => {
    expect(code(PRESENTATION_PREFIX_V2 + '0'.repeat(4093))).toBe('ERR_TOO_LARGE');
    expect(code(`LZ1:${rental.slice(4)}`)).toBe('ERR_MALFORMED');
  });

  it('refuses a signed value that breaks a licence rule: ERR_CLAIMS_INVALID', async () => {
    const bad = { ...referenceLicence(0), points: 13 };
    const issued = await fixedCredential(keys, { ...fixedClaims(keys.holder), licence: bad });
    const values = groupValuesOf(bad, PORTRAIT_HASH, '2025-11-25');
    const text = await presentByHand(issued.credential, values, keys.holder, { purpose: 'rental' });
    expect(decisionOf(verifyAtIssue(text, backend, keys.issuerJwks))).toEqual({
      code: 'ERR_CLAIMS_INVALID',
      check: 'disclosures',
    });
  });

  it('checks a cross-group rule only when both groups are shown, age flags against the birth date', async () => {
    const early = { ...referenceLicence(0), firstIssueDate: '1980-01-01', validFrom: '1980-01-01' };
    const issued = await fixedCredential(keys, {
      ...fixedClaims(keys.holder),
      licence: early,
    });
    const values = groupValuesOf(early, PORTRAIT_HASH, '2025-11-25');
    const show = (purpose: Purpose, groups?: number[]) =>
      presentByHand(issued.credential, values, keys.holder, {
        purpose,
        ...(groups === undefined ? {} : { groups }),
      });
    expect(code(await show('rental'))).toBe('valid');
    expect(code(await show('custom', [1, 3]))).toBe('valid');
    expect(code(await show('police'))).toBe('ERR_CLAIMS_INVALID');
    const wrongFlag = [...VALUES] as unknown as unknown[];
    wrongFlag[5] = true;
    const flagged = await fixedCredential(keys);
    const { signGroupValues } = await import('../../../shared/sd/credential-v2.js');
    const signed = await signGroupValues(
      fixedClaims(keys.holder),
      wrongFlag as unknown as GroupValues,
      keys.issuer,
      FIXED_SEED,
    );
    expect(flagged.credential).not.toBe(signed.credential);
    const age60 = (groups: number[]) =>
      presentByHand(signed.credential, wrongFlag as unknown as GroupValues, keys.holder, {
        purpose: 'custom',
        groups,
      });
    expect(code(await age60([5]))).toBe('valid');
    expect(code(await age60([2, 5]))).toBe('ERR_CLAIMS_INVALID');
  });
});

describe('words', () => {
  it('has Chinese and English words for each new failure', () => {
    for (const c of [
      'ERR_DISCLOSURE_MISMATCH',
      'ERR_DISCLOSURE_DUPLICATE',
      'ERR_DISCLOSURE_UNKNOWN',
    ] as const) {
      expect(REASONS[c].zh).toMatch(/[\u4e00-\u9fff]/);
      expect(REASONS[c].en.length).toBeGreaterThan(10);
    }
  });
});
