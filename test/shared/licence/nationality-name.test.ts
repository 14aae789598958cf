import { describe, expect, it } from 'vitest';
import { nationalityName } from '../../../shared/licence/codes.js';

describe('nationalityName', () => {
  it('when the code is CHN, then 中国 / China', () => {
    expect(nationalityName('CHN')).toEqual({ zh: '中国', en: 'China' });
  });

  it('when the code has no name here (or is the name of an object property), then the code itself in both languages', () => {
    expect(nationalityName('DEU')).toEqual({ zh: 'DEU', en: 'DEU' });
    expect(nationalityName('toString')).toEqual({ zh: 'toString', en: 'toString' });
  });
});
