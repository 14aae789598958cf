/*
 * A registry import's problems in the console's words, without a browser: the line (a record of
 * a JSON file), the field by its name on the card, what was expected and found in Chinese where
 * the service's phrase is a common one, else as the service wrote it; in English as it is.
 */
import { describe, expect, it } from 'vitest';
import { issueWords } from '../../../../issuer/web/console/import-words.js';

describe('import problems in words', () => {
  it.each([
    [
      { line: 3, field: 'birthDate', expected: 'a real calendar date', found: '1990-02-30' },
      'csv',
      '第 3 行 · 出生日期：应为 真实存在的日期，实为 1990-02-30',
    ],
    [
      { line: 2, field: 'name', expected: '1–64 characters', found: 'an empty string' },
      'json',
      '第 2 条记录 · 姓名：应为 1–64 个字符，实为 空白',
    ],
    [
      {
        line: 1,
        field: 'colour',
        expected: 'a licence record field (licenceNumber name)',
        found: 'an unknown column',
      },
      'csv',
      '第 1 行 · colour：应为 驾驶证记录的字段名（licenceNumber name），实为 未知的列',
    ],
    [
      { line: 5, field: '(record)', expected: '14 columns, as in the header', found: '13 columns' },
      'csv',
      '第 5 行 · 整条记录：应为 与首行一样的 14 列，实为 13 列',
    ],
    [
      { line: 4, field: 'classes[1]', expected: 'one of A1 A2 B1', found: '"Z9"' },
      'csv',
      '第 4 行 · 准驾车型第 2 项：应为 one of A1 A2 B1，实为 "Z9"',
    ],
    [
      {
        line: 6,
        field: 'licenceNumber',
        expected: 'each licence number once in the file',
        found: 'the same licence number as line 2',
      },
      'csv',
      '第 6 行 · 证号：应为 同一证号在文件中只出现一次，实为 与第 2 行证号相同',
    ],
  ] as const)('when the problem is %o, then its words', (issue, format, words) => {
    expect(issueWords(issue, format, 'zh')).toBe(words);
  });

  it('when the console is in English, then the line, the field by its name and the service’s words', () => {
    expect(
      issueWords(
        { line: 3, field: 'birthDate', expected: 'a real calendar date', found: '1990-02-30' },
        'csv',
        'en',
      ),
    ).toBe('Line 3 · date of birth: expected a real calendar date, found 1990-02-30');
  });
});
