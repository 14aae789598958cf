import { describe, expect, it } from 'vitest';
import { groupsInSentence } from '../../../shared/sd/words.js';

describe('groupsInSentence', () => {
  it('when groups are said in Chinese, then each as it is, between full-width semicolons', () => {
    expect(groupsInSentence(['holder', 'driving'], 'zh')).toBe(
      '姓名、照片；准驾车型、有效期限、驾驶证状态、记分',
    );
  });

  it('when groups are said in English, then the first as it is and the others in lower case, an acronym kept', () => {
    expect(groupsInSentence(['holder', 'driving', 'age_over_18'], 'en')).toBe(
      'Name, photo; classes, validity dates, licence status, points; whether 18 or over',
    );
    expect(groupsInSentence(['file', 'identity'], 'en')).toBe(
      'First issue date, issuing authority, file number; ID (licence) number, sex, nationality, birth date, address',
    );
    expect(groupsInSentence([], 'en')).toBe('');
  });
});
