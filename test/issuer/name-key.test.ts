/**
 * The name a driver types against the registry's (issuer/accounts/name-key.ts): the marks a
 * keyboard puts for the middle dot, the case and width of Latin letters and runs of spaces are
 * not differences; any other character is.
 */
import { describe, expect, it } from 'vitest';
import { nameKey, sameName } from '../../issuer/accounts/name-key.js';

describe('a typed name against the registry', () => {
  it.each([
    ['买买提·艾力', '买买提·艾力'],
    ['买买提·艾力', '买买提・艾力'], // katakana middle dot (U+30FB), a Japanese-style input method
    ['买买提·艾力', '买买提•艾力'], // bullet (U+2022)
    ['买买提·艾力', '买买提．艾力'], // full-width full stop (U+FF0E)
    ['买买提·艾力', '买买提.艾力'],
    ['买买提·艾力', '买买提 · 艾力'],
    ['阿依古丽·买买提', '阿依古丽･买买提'], // half-width katakana middle dot (U+FF65)
    ['JOHN SMITH', 'John  Smith'],
    ['JOHN SMITH', 'ＪＯＨＮ　ＳＭＩＴＨ'], // full-width letters and space
    ['欧阳晓雯', '欧阳晓雯'],
  ])('when the registry has %s and the driver types %s, then it is the same name', (a, b) => {
    expect(sameName(a, b)).toBe(true);
  });

  it.each([
    ['欧阳晓雯', '欧阳晓文'],
    ['买买提·艾力', '买买提艾力'],
    ['买买提·艾力', '买买提-艾力'],
    ['JOHN SMITH', 'JOHNSMITH'],
    ['王伟', '王 伟'],
  ])('when the registry has %s and the driver types %s, then it is another name', (a, b) => {
    expect(sameName(a, b)).toBe(false);
  });

  it('when a name is put in its compared form, then NFKC, one middle dot, single spaces, capitals', () => {
    expect(nameKey(' ｊｏｈｎ  ｆ. smith ')).toBe('JOHN F·SMITH');
  });
});
