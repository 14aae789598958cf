/**
 * A registry import's problems in words, without a DOM (tested on its own): each as `第 3 行 ·
 * 出生日期：应为 真实存在的日期，实为 2023-02-30`. The field by its name on the card; what was
 * expected and found in Chinese where the service's phrase is one of the common ones, else as
 * the service wrote it (never personal data: the service describes a personal value by its
 * length, never quotes it).
 */
import type { Lang } from '../../../shared/web/i18n.js';

/** One problem of one row, as the service answers it (ERR_IMPORT_INVALID `errors`). */
export interface ImportIssue {
  readonly line: number;
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

/** The record's fields by their names on the card. */
const FIELDS: Readonly<Record<string, { zh: string; en: string }>> = {
  licenceNumber: { zh: '证号', en: 'licence number' },
  name: { zh: '姓名', en: 'name' },
  sex: { zh: '性别', en: 'sex' },
  nationality: { zh: '国籍', en: 'nationality' },
  address: { zh: '住址', en: 'address' },
  birthDate: { zh: '出生日期', en: 'date of birth' },
  firstIssueDate: { zh: '初次领证日期', en: 'first issue date' },
  classes: { zh: '准驾车型', en: 'classes' },
  validFrom: { zh: '有效期起始日期', en: 'valid from' },
  validTo: { zh: '有效期截止日期', en: 'valid to' },
  issuingAuthority: { zh: '发证机关', en: 'issuing authority' },
  fileNumber: { zh: '档案编号', en: 'file number' },
  status: { zh: '状态', en: 'status' },
  points: { zh: '记分', en: 'points' },
  '(record)': { zh: '整条记录', en: 'the record' },
};

/** Common phrases of the service's `expected` and `found`, in Chinese; `$1`… the parts kept. */
const PHRASES: readonly (readonly [RegExp, string])[] = [
  [/^a real calendar date$/, '真实存在的日期'],
  [/^a date YYYY-MM-DD$/, 'YYYY-MM-DD 格式的日期'],
  [/^a date YYYY-MM-DD or "long-term"$/, 'YYYY-MM-DD 格式的日期或 "long-term"（长期）'],
  [/^1–(\d+) characters$/, '1–$1 个字符'],
  [/^at most (\d+) characters$/, '最多 $1 个字符'],
  [/^(\d+) characters$/, '$1 个字符'],
  [/^a string of (\d+) characters$/, '$1 个字符的文字'],
  [/^an empty string$/, '空白'],
  [/^no leading or trailing whitespace$/, '首尾没有空格'],
  [/^(leading|trailing|leading and trailing) whitespace$/, '首尾有空格'],
  [/^no control characters$/, '不含控制字符'],
  [/^well-formed Unicode text$/, '完整的 Unicode 文字'],
  [/^nothing \(missing\)$/, '缺失'],
  [/^none$/, '无'],
  [/^null$/, '空值'],
  [/^an empty list$/, '空列表'],
  [/^a list of (\d+) items$/, '$1 项的列表'],
  [/^a number$/, '数字'],
  [/^a valid value$/, '有效的值'],
  [/^no such field \(unknown fields are rejected\)$/, '没有此字段（不接受未知字段）'],
  [/^an unknown field$/, '未知字段'],
  [/^a licence record field \((.+)\)$/, '驾驶证记录的字段名（$1）'],
  [/^an unknown column$/, '未知的列'],
  [/^each column once$/, '每列只出现一次'],
  [/^it again$/, '重复出现'],
  [/^a column in the header$/, '首行有此列'],
  [/^(\d+) columns, as in the header$/, '与首行一样的 $1 列'],
  [/^(\d+) columns$/, '$1 列'],
  [/^each licence number once in the file$/, '同一证号在文件中只出现一次'],
  [/^the same licence number as (?:line|record) (\d+)$/, '与第 $1 行证号相同'],
  [/^each class once$/, '每个准驾车型只出现一次'],
  [/^a date after birthDate$/, '晚于出生日期的日期'],
  [/^a date on or after firstIssueDate (\S+)$/, '不早于初次领证日期 $1 的日期'],
  [/^a date after validFrom (\S+) or "long-term"$/, '晚于有效期起始日期 $1 的日期或 "long-term"'],
  [/^a change allowed from status (\w)$/, '状态 $1 允许的变更'],
];

/** A phrase of the service in `lang`: Chinese when it is a common one, else as written. */
export function phraseWords(phrase: string, lang: Lang): string {
  if (lang === 'en') return phrase;
  for (const [pattern, words] of PHRASES)
    if (pattern.test(phrase)) return phrase.replace(pattern, words);
  return phrase;
}

/** The field by its name on the card (`classes[1]`: 准驾车型第 2 项); another as written. */
export function fieldWords(field: string, lang: Lang): string {
  const item = /^(\w+)\[(\d+)\]$/.exec(field);
  if (item !== null) {
    const base = FIELDS[item[1] ?? ''];
    const n = Number(item[2]) + 1;
    if (base !== undefined) return lang === 'zh' ? `${base.zh}第 ${n} 项` : `${base.en}, item ${n}`;
  }
  const column = /^\(column (\d+)\)$/.exec(field);
  if (column !== null) return lang === 'zh' ? `第 ${column[1]} 列` : `column ${column[1]}`;
  return FIELDS[field]?.[lang] ?? field;
}

/**
 * One problem in words: where (line, or record of a JSON file), which field, what was expected
 * and what was found.
 */
export function issueWords(issue: ImportIssue, format: 'csv' | 'json', lang: Lang): string {
  const field = fieldWords(issue.field, lang);
  const expected = phraseWords(issue.expected, lang);
  const found = phraseWords(issue.found, lang);
  if (lang === 'zh')
    return `第 ${issue.line} ${format === 'json' ? '条记录' : '行'} · ${field}：应为 ${expected}，实为 ${found}`;
  return `${format === 'json' ? 'Record' : 'Line'} ${issue.line} · ${field}: expected ${expected}, found ${found}`;
}
