/**
 * The driver's app's own rules for showing a code by purpose, without a browser: the groups each
 * choice of the picker discloses and what it withholds, the frame it gets, the record of codes
 * shown and its cap, and the licence the card reads from a holder's copy (and from a version 1
 * credential kept from before).
 */
import { describe, expect, it } from 'vitest';
import { GROUP_WORDS, PURPOSE_WORDS } from '../../../shared/sd/words.js';
import { heldOf, heldOfCopy } from '../../../issuer/web/app/held.js';
import {
  choiceOf,
  frameOf,
  PURPOSE_ORDER,
  sameChoice,
  shownAndWithheld,
} from '../../../issuer/web/app/purposes.js';
import { MAX_SHOWN_LOG, withEntry, type ShownEntry } from '../../../issuer/web/app/shown-log.js';
import { fixedClaims, fixedCredential, IAT, PORTRAIT_HASH } from '../../helpers/sd-kit.js';
import {
  loadTestKeys,
  referenceLicence,
  signClaimsByHand,
} from '../../helpers/presentation-kit.js';
import { LicenceError } from '../../../shared/errors.js';

const keys = loadTestKeys();

describe('the purpose picker', () => {
  it('when the picker opens, then the police come first and every purpose has words in both languages', () => {
    expect(PURPOSE_ORDER).toEqual(['police', 'rental', 'insurance', 'employer', 'age', 'custom']);
    expect(PURPOSE_ORDER.map((p) => PURPOSE_WORDS[p].zh)).toEqual([
      '交警执法',
      '租车',
      '保险',
      '单位',
      '年龄核验',
      '自定义',
    ]);
  });

  it('when the police are picked, then every group is shown and nothing withheld, in the full frame', () => {
    const choice = choiceOf('police');
    expect(choice).toEqual({ purpose: 'police', groups: [0, 1, 2, 3, 4, 5] });
    expect(shownAndWithheld(choice)).toEqual({
      shown: ['holder', 'driving', 'identity', 'file', 'age_over_18', 'age_over_60'],
      withheld: [],
    });
    expect(frameOf('police')).toBe('full');
  });

  it.each(['rental', 'insurance', 'employer'] as const)(
    'when %s is picked, then name, portrait and driving are shown and the ID number, address, birth date and file number withheld, in the partial frame',
    (purpose) => {
      const choice = choiceOf(purpose);
      expect(choice.groups).toEqual([0, 1]);
      expect(shownAndWithheld(choice)).toEqual({
        shown: ['holder', 'driving'],
        withheld: ['identity', 'file', 'age_over_18', 'age_over_60'],
      });
      expect(frameOf(purpose)).toBe('partial');
      // The words the screen lists: what is not shown names the ID number, birth date, address
      // and file number.
      const withheldWords = shownAndWithheld(choice)
        .withheld.map((g) => GROUP_WORDS[g].zh)
        .join('；');
      for (const word of ['身份证号', '出生日期', '住址', '档案编号'])
        expect(withheldWords).toContain(word);
    },
  );

  it('when the age check is picked, then only whether 18 or over is shown', () => {
    expect(shownAndWithheld(choiceOf('age'))).toEqual({
      shown: ['age_over_18'],
      withheld: ['holder', 'driving', 'identity', 'file', 'age_over_60'],
    });
    expect(frameOf('age')).toBe('partial');
  });

  it('when custom boxes are ticked in any order, then the groups are those, in index order', () => {
    expect(choiceOf('custom', [5, 0])).toEqual({ purpose: 'custom', groups: [0, 5] });
    expect(frameOf('custom')).toBe('partial');
  });

  it('when custom is picked with no box ticked, then it is refused', () => {
    expect(() => choiceOf('custom', [])).toThrow(
      new RangeError('groups: expected a non-empty set for a custom purpose'),
    );
    expect(() => choiceOf('custom')).toThrow(RangeError);
  });

  it('when a fixed purpose is picked with boxes left ticked, then the ticks are ignored', () => {
    expect(choiceOf('rental', [2, 3]).groups).toEqual([0, 1]);
  });

  it('when two choices differ only in purpose or in groups, then they are not the same', () => {
    expect(sameChoice(choiceOf('rental'), choiceOf('rental'))).toBe(true);
    expect(sameChoice(choiceOf('rental'), choiceOf('insurance'))).toBe(false);
    expect(sameChoice(choiceOf('custom', [0, 1]), choiceOf('custom', [0]))).toBe(false);
  });
});

describe('the record of codes shown', () => {
  const entry = (n: number): ShownEntry => ({
    at: 1_700_000_000_000 + n,
    purpose: n % 2 === 0 ? 'police' : 'rental',
    groups: n % 2 === 0 ? [0, 1, 2, 3, 4, 5] : [0, 1],
    version: 2,
  });

  it('when the first code is shown, then the record holds it alone', () => {
    expect(withEntry(undefined, entry(0))).toEqual([entry(0)]);
  });

  it('when a code is shown, then it goes in front of the others', () => {
    expect(withEntry([entry(1), entry(0)], entry(2))).toEqual([entry(2), entry(1), entry(0)]);
  });

  it('when the record is full, then a new code pushes out the oldest and it stays at 100', () => {
    expect(MAX_SHOWN_LOG).toBe(100);
    let log: ShownEntry[] = [];
    for (let n = 0; n < MAX_SHOWN_LOG; n++) log = withEntry(log, entry(n));
    expect(log).toHaveLength(100);
    expect(log.at(-1)).toEqual(entry(0));
    log = withEntry(log, entry(100));
    expect(log).toHaveLength(100);
    expect(log[0]).toEqual(entry(100));
    expect(log.at(-1)).toEqual(entry(1));
  });

  it('when an entry is kept, then it names the purpose and groups and no licence value', () => {
    expect(Object.keys(entry(1)).sort()).toEqual(['at', 'groups', 'purpose', 'version']);
  });
});

describe('the licence the card reads', () => {
  it("when the phone keeps a holder's copy, then the card's fields are the copy's values", async () => {
    const { credential, holderCopy } = await fixedCredential(keys);
    const held = heldOf({ text: credential, jti: 'j', refreshedAt: 0, holderCopy });
    expect(held).toEqual({
      version: 2,
      licence: referenceLicence(0),
      portraitHash: PORTRAIT_HASH,
      iat: IAT,
      exp: IAT + 30 * 86_400,
      jti: 'lFsQF1fndWTd3GP0',
    });
  });

  it('when the portrait is not in the registry, then the copy gives no portrait hash', async () => {
    const claims = { ...fixedClaims(keys.holder) };
    delete claims.portraitHash;
    const { holderCopy } = await fixedCredential(keys, claims);
    expect(heldOfCopy(holderCopy).portraitHash).toBeUndefined();
    expect(heldOfCopy(holderCopy).licence).toEqual(referenceLicence(0));
  });

  it("when the holder's copy was altered, then it is refused with ERR_DISCLOSURE_MISMATCH", async () => {
    const { holderCopy } = await fixedCredential(keys);
    const [jws = '', seed = '', values = ''] = holderCopy.split('~');
    const json = Buffer.from(values, 'base64url').toString('utf8');
    const changed = Buffer.from(json.replace('"pt":3', '"pt":0')).toString('base64url');
    expect(json).toContain('"pt":3');
    let caught: unknown;
    try {
      heldOfCopy(`${jws}~${seed}~${changed}`);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LicenceError);
    expect((caught as LicenceError).code).toBe('ERR_DISCLOSURE_MISMATCH');
  });

  it('when the phone keeps only a version 1 credential, then the card reads its claims and says version 1', async () => {
    const claims = fixedClaims(keys.holder);
    const text = await signClaimsByHand(claims, keys.issuer);
    expect(heldOf({ text, jti: claims.jti, refreshedAt: 0 })).toEqual({
      version: 1,
      licence: referenceLicence(0),
      portraitHash: PORTRAIT_HASH,
      iat: IAT,
      exp: IAT + 30 * 86_400,
      jti: 'lFsQF1fndWTd3GP0',
    });
  });
});
