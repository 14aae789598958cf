/**
 * The CSV record counter the registry import uses to refuse a file over the row limit before
 * parsing it: the same count as the parser (readCsvRows) on every shape of line ending, quoting
 * and byte order mark, whether the bytes come at once or one at a time.
 */
import { describe, expect, it } from 'vitest';
import { CsvRecordCounter } from '../../issuer/registry/internal/csv-record-counter.js';

/** (text, records): why. The header counts as a record. */
const CASES: readonly (readonly [string, number, string])[] = [
  ['', 0, 'nothing'],
  ['\n\r\n\r\n', 0, 'blank lines only'],
  ['a,b\n', 1, 'a header'],
  ['a,b', 1, 'a header without a final line break'],
  ['a,b\n1,2\n3,4\n', 3, 'LF'],
  ['a,b\r\n1,2\r\n3,4\r\n', 3, 'CRLF, each counted once'],
  ['a,b\r1,2\r3,4', 3, 'a lone CR ends a line, as the reader normalises it'],
  ['a,b\n\n1,2\n\n\n3,4\n', 3, 'empty lines skipped'],
  ['a,b\n"1\n2",3\n', 2, 'a line break inside quotes'],
  ['a,b\n"say ""hi""\n",3\n4,5\n', 3, 'escaped quotes inside quotes'],
  ['\uFEFFa,b\n1,2\n', 2, 'a byte order mark'],
  ['\uFEFF\na,b\n1,2\n', 2, 'a byte order mark alone on the first line'],
  ['姓名,地址\n张三,"北京市\n东城区"\n', 2, 'multi-byte UTF-8'],
  [' \n', 1, 'a line of a space is a record'],
];

describe('CsvRecordCounter', () => {
  it.each(CASES)('when the file is %j, then %i records (%s)', (text, records) => {
    const bytes = Buffer.from(text, 'utf8');
    const whole = new CsvRecordCounter();
    whole.push(bytes);
    expect(whole.records).toBe(records);
    const byByte = new CsvRecordCounter();
    for (const byte of bytes) byByte.push(Uint8Array.of(byte));
    expect(byByte.records).toBe(records);
  });

  it('when records end, then push answers the records ended so far, not the open one', () => {
    const counter = new CsvRecordCounter();
    expect(counter.push(Buffer.from('a,b\n1,'))).toBe(1);
    expect(counter.push(Buffer.from('2\n3'))).toBe(2);
    expect(counter.records).toBe(3);
  });
});
