/*
 * The working calendar file (OPERATIONS.md, "The working calendar"): a good file gives the
 * arrangement of its years; each way a file can be bad is refused with the file, the line, the
 * field, what was expected and what was found, and nothing of it is used.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CalendarFileError,
  MAX_CALENDAR_FILE_BYTES,
  parseCalendarFile,
  readCalendarFile,
} from '../../../issuer/calendar/read-calendar-file.js';
import { useTempDir } from '../../helpers/temp-dir.js';

const PATH = '/data/working-calendar.json';
const FIXTURE = new URL('../../fixtures/working-calendar-test-2027.json', import.meta.url);

function problemOf(text: string | Uint8Array): string {
  try {
    parseCalendarFile(typeof text === 'string' ? new TextEncoder().encode(text) : text, PATH);
  } catch (error) {
    expect(error).toBeInstanceOf(CalendarFileError);
    expect((error as CalendarFileError).code).toBe('ERR_CALENDAR_FILE');
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

/** A file of one year, 2027, with these lines inside its object (one key a line). */
function year2027(...lines: string[]): string {
  return [
    '{',
    '  "years": {',
    '    "2027": {',
    ...lines.map((l) => `      ${l}`),
    '    }',
    '  }',
    '}',
  ].join('\n');
}

const NEW_YEAR = '"holidays": [{ "date": "2027-01-01" }],';
const NO_WORKDAYS = '"workdays": []';

describe('parseCalendarFile', () => {
  it('when the file is good, then the arrangement of each year, with names and source', async () => {
    const years = parseCalendarFile(await readFile(FIXTURE), FIXTURE.pathname);
    expect(years).toHaveLength(1);
    const [y2027] = years;
    expect(y2027?.year).toBe(2027);
    expect(y2027?.source).toMatch(/^TEST FIXTURE/);
    expect(y2027?.holidays.map((d) => d.date)).toEqual([
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
      '2027-02-12',
    ]);
    expect(y2027?.holidays[0]).toEqual({ date: '2027-01-01', name: '元旦' });
    expect(y2027?.workdays).toEqual([{ date: '2027-02-20', name: '春节调休上班' }]);
  });

  it('when a year has no names and no make-up days, then it is good too', () => {
    expect(
      parseCalendarFile(new TextEncoder().encode(year2027(NEW_YEAR, NO_WORKDAYS)), PATH),
    ).toEqual([{ year: 2027, holidays: [{ date: '2027-01-01' }], workdays: [] }]);
  });

  it.each(
    (
      [
        // (file, expected message after the first line): why
        [
          year2027('"holidays": [{ "date": "2027-01-01" },],', NO_WORKDAYS),
          'line 4, column 45: expected JSON (a value), found "]"',
          'a trailing comma',
        ],
        [
          '// 2027\n{}',
          'line 1, column 1: expected JSON (no comments), found "// 2027"',
          'a comment',
        ],
        ['', 'line 1, column 1: expected JSON (a value), found the end of the file', 'empty'],
        [
          '[]',
          'line 1, the top level: expected an object {"years": {...}}, found an array',
          'not an object',
        ],
        [
          '{\n  "note": "2027"\n}',
          [
            'line 1, years: expected an object of years, each "YYYY": {"holidays": [...], "workdays": [...]}, found nothing',
            'line 2, note: expected only "years", found "note"',
          ].join('\n  '),
          'no years, an unknown key',
        ],
        ['{ "years": {} }', 'line 1, years: expected at least one year, found none', 'no year'],
        [
          '{ "years": { "27": { "holidays": [], "workdays": [] } } }',
          'line 1, years.27: expected a year as YYYY, found "27"',
          'a year not as YYYY',
        ],
        [
          `{ "years": {\n"2027": { ${NEW_YEAR} ${NO_WORKDAYS} },\n"2027": { ${NEW_YEAR} ${NO_WORKDAYS} } } }`,
          'line 3, years.2027: expected each key once, found "2027" again',
          'a year twice (JSON.parse would keep the last one)',
        ],
        [
          year2027('"holidays": [{ "date": "2027-01-01" }]'),
          'line 3, years.2027.workdays: expected an array of the make-up working days (调休上班), each {"date": "YYYY-MM-DD"}, found nothing',
          'no workdays',
        ],
        [
          year2027('"holidays": "2027-01-01",', NO_WORKDAYS),
          'line 4, years.2027.holidays: expected an array of the days off, each {"date": "YYYY-MM-DD", "name": "..."}, found "2027-01-01"',
          'holidays not a list',
        ],
        [
          year2027('"holidays": [{ "date": "2027-01-01" }, "2027-01-02"],', NO_WORKDAYS),
          'line 4, years.2027.holidays[1]: expected {"date": "YYYY-MM-DD", "name": "..."}, found "2027-01-02"',
          'a day as a bare string',
        ],
        [
          year2027(
            '"holidays": [',
            '{ "date": "2027-01-01" },',
            '{ "date": "2027-02-30" }',
            '],',
            NO_WORKDAYS,
          ),
          'line 6, years.2027.holidays[1].date: expected an existing date as YYYY-MM-DD, found "2027-02-30"',
          'no such date',
        ],
        [
          year2027('"holidays": [{ "date": "2027-01-01" }, { "date": "2027-1-2" }],', NO_WORKDAYS),
          'line 4, years.2027.holidays[1].date: expected an existing date as YYYY-MM-DD, found "2027-1-2"',
          'not zero-padded',
        ],
        [
          year2027('"holidays": [{ "date": "2027-01-01" }, { "date": 20270102 }],', NO_WORKDAYS),
          'line 4, years.2027.holidays[1].date: expected a date as YYYY-MM-DD, found 20270102',
          'a number',
        ],
        [
          year2027(
            '"holidays": [{ "date": "2027-01-01" }, { "date": "2026-12-31" }],',
            NO_WORKDAYS,
          ),
          'line 4, years.2027.holidays[1].date: expected a date in 2027, found "2026-12-31"',
          'a date of another year',
        ],
        [
          year2027(NEW_YEAR, '"workdays": [{ "date": "2027-02-17" }]'),
          'line 5, years.2027.workdays[0].date: expected a Saturday or Sunday (a make-up working day), found 2027-02-17, a Wednesday',
          'a make-up working day on a weekday',
        ],
        [
          year2027(
            '"holidays": [{ "date": "2027-01-01" }, { "date": "2027-01-01" }],',
            NO_WORKDAYS,
          ),
          'line 4, years.2027.holidays[1].date: expected each date once, found 2027-01-01 again',
          'a day off twice',
        ],
        [
          year2027(
            '"holidays": [{ "date": "2027-01-01" }, { "date": "2027-02-20" }],',
            '"workdays": [{ "date": "2027-02-20" }]',
          ),
          'line 5, years.2027.workdays[0].date: expected a date that is not both a day off and a working day, found 2027-02-20 in holidays too',
          'a day in both lists',
        ],
        [
          year2027('"holidays": [{ "date": "2027-02-08" }],', NO_WORKDAYS),
          "line 4, years.2027.holidays: expected 2027-01-01 (元旦) among the days off, as in every year's arrangement, found a list without it",
          'no 元旦: a year half filled in',
        ],
        [
          '{ "years": { "2028": { "holidays": [{ "date": "2028-01-01" }], "workdays": [] } } }',
          'line 1, years.2028: expected years that follow on without a gap from those chinese-days holds (2004–2026), found 2028 without 2027',
          'a gap after chinese-days',
        ],
        [
          year2027(
            '"holidays": [{ "date": "2027-01-01", "name": "" }, { "date": "2027-01-02", "note": "x" }],',
            `${NO_WORKDAYS},`,
            '"source": 7',
          ),
          [
            'line 4, years.2027.holidays[0].name: expected a name of 1 to 50 characters, found ""',
            'line 4, years.2027.holidays[1].note: expected only "date", "name", found "note"',
            'line 6, years.2027.source: expected a text of 1 to 500 characters (the notice it was taken from), found 7',
          ].join('\n  '),
          'every problem of the file, in its order',
        ],
      ] as const
    ).map(([file, expected, why]) => ({ file, expected, why })),
  )('when the file has $why, then refused with its line and field', ({ file, expected }) => {
    expect(problemOf(file)).toBe(`invalid working calendar file ${PATH}:\n  ${expected}`);
  });

  it.each(
    (
      [
        // (bytes, expected): why
        [
          new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{}')]),
          'line 1: expected JSON without a byte order mark, found one',
          'a byte order mark',
        ],
        [
          new Uint8Array([0x7b, 0xff, 0x7d]),
          'expected UTF-8 text, found bytes that are not UTF-8',
          'not UTF-8',
        ],
        [
          new Uint8Array(MAX_CALENDAR_FILE_BYTES + 1).fill(0x20),
          `expected at most ${MAX_CALENDAR_FILE_BYTES} bytes, found ${MAX_CALENDAR_FILE_BYTES + 1}`,
          'too large',
        ],
      ] as const
    ).map(([bytes, expected, why]) => ({ bytes, expected, why })),
  )('when the file has $why, then refused', ({ bytes, expected }) => {
    expect(problemOf(bytes)).toBe(`invalid working calendar file ${PATH}:\n  ${expected}`);
  });
});

describe('readCalendarFile', () => {
  const dir = useTempDir('lz-calendar-');

  it('when there is no file, then undefined: chinese-days alone', async () => {
    expect(await readCalendarFile(join(dir(), 'working-calendar.json'))).toBeUndefined();
  });

  it('when the path is a folder, then refused, naming it and what was found', async () => {
    await expect(readCalendarFile(dir())).rejects.toThrow(
      new CalendarFileError(
        `invalid working calendar file ${dir()}:\n  expected a readable file, found EISDIR`,
      ),
    );
  });

  it('when the file is good, then its years', async () => {
    const path = join(dir(), 'good.json');
    await writeFile(path, await readFile(FIXTURE));
    expect((await readCalendarFile(path))?.map((y) => y.year)).toEqual([2027]);
  });
});
