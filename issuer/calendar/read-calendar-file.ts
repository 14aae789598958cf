import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { formatIsoDate, isWeekend, parseIsoDate, WEEKDAY_NAMES, weekday } from './calendar-date.js';
import { packageYears, type ArrangedDay, type YearArrangement } from './working-calendar.js';

/** The working calendar file's name in DATA_DIR (OPERATIONS.md, "The working calendar"). */
const CALENDAR_FILE = 'working-calendar.json';

/** Largest file read: a year's arrangement is a few kilobytes. */
export const MAX_CALENDAR_FILE_BYTES = 256 * 1024;

/** Longest day name and source text accepted. */
const MAX_NAME = 50;
const MAX_SOURCE = 500;

/**
 * A working calendar file that cannot be used; the message names the file and, for each
 * problem, its line, the field, what was expected and what was found.
 */
export class CalendarFileError extends Error {
  override readonly name = 'CalendarFileError';
  readonly code = 'ERR_CALENDAR_FILE';
}

/** The working calendar file of a data folder. */
export function calendarFilePath(dataDir: string): string {
  return join(dataDir, CALENDAR_FILE);
}

/**
 * Reads and checks the working calendar file at `path`: the State Council's arrangement for
 * the years it lists. No file: `undefined` (chinese-days alone).
 * @throws {CalendarFileError} when the file cannot be read or is not valid in any way; nothing
 *   of a bad file is used.
 */
export async function readCalendarFile(path: string): Promise<YearArrangement[] | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'an error';
    if (code === 'ENOENT') return undefined;
    throw new CalendarFileError(
      `invalid working calendar file ${path}:\n  expected a readable file, found ${code}`,
      { cause },
    );
  }
  return parseCalendarFile(bytes, path);
}

/** One problem of a file: where, which field, expected, found. */
interface Issue {
  readonly offset: number;
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

/** Problems listed at most; a file with more is wrong throughout. */
const MAX_ISSUES = 20;

/**
 * Checks the bytes of a working calendar file (see {@link readCalendarFile}); `path` names it
 * in errors.
 * @throws {CalendarFileError}
 */
export function parseCalendarFile(bytes: Uint8Array, path: string): YearArrangement[] {
  const fail = (lines: readonly string[]) =>
    new CalendarFileError(`invalid working calendar file ${path}:\n  ${lines.join('\n  ')}`);
  if (bytes.length > MAX_CALENDAR_FILE_BYTES)
    throw fail([`expected at most ${MAX_CALENDAR_FILE_BYTES} bytes, found ${bytes.length}`]);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw fail(['expected UTF-8 text, found bytes that are not UTF-8']);
  }
  if (text.startsWith('\uFEFF'))
    throw fail(['line 1: expected JSON without a byte order mark, found one']);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const syntax = errors[0];
  if (syntax !== undefined || root === undefined) {
    const offset = syntax?.offset ?? 0;
    const what = text.slice(offset, offset + Math.max(syntax?.length ?? 0, 1));
    throw fail([
      `${position(text, offset)}: expected JSON (${syntax === undefined ? 'a value' : (SYNTAX[printParseErrorCode(syntax.error)] ?? printParseErrorCode(syntax.error))}), found ${what === '' ? 'the end of the file' : JSON.stringify(what)}`,
    ]);
  }
  // The parser above is the one that knows lines; JSON.parse is the one the language defines:
  // a file both accept is JSON.
  try {
    JSON.parse(text);
  } catch (error) {
    throw fail([`expected JSON, found ${error instanceof Error ? error.message : 'an error'}`]);
  }
  const issues: Issue[] = [];
  const years = checkFile(root, issues);
  if (issues.length > 0) {
    // In the order of the file, so that the operator reads it top to bottom.
    const lines = [...issues]
      .sort((a, b) => a.offset - b.offset)
      .slice(0, MAX_ISSUES)
      .map(
        (i) =>
          `${line(text, i.offset)}, ${i.field === '' ? 'the top level' : i.field}: expected ${i.expected}, found ${i.found}`,
      );
    if (issues.length > MAX_ISSUES) lines.push(`and ${issues.length - MAX_ISSUES} more`);
    throw fail(lines);
  }
  return years;
}

/** Words for the parser's error codes (what was expected). */
const SYNTAX: Readonly<Record<string, string>> = {
  InvalidSymbol: 'a value',
  InvalidNumberFormat: 'a number',
  PropertyNameExpected: 'a property name in double quotes',
  ValueExpected: 'a value',
  ColonExpected: 'a colon',
  CommaExpected: 'a comma',
  CloseBraceExpected: 'a closing brace',
  CloseBracketExpected: 'a closing bracket',
  EndOfFileExpected: 'the end of the file',
  InvalidCommentToken: 'no comments',
  UnexpectedEndOfComment: 'no comments',
  UnexpectedEndOfString: 'a closing double quote',
  UnexpectedEndOfNumber: 'a number',
  InvalidUnicode: 'a \\u escape of 4 hex digits',
  InvalidEscapeCharacter: 'a valid escape',
  InvalidCharacter: 'no control characters in a string',
};

function lineNumber(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text.charCodeAt(i) === 10) n += 1;
  return n;
}

function line(text: string, offset: number): string {
  return `line ${lineNumber(text, offset)}`;
}

function position(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return `line ${lineNumber(text, offset)}, column ${offset - start + 1}`;
}

/** How a found value is shown: strings quoted and cut short, containers by their kind. */
function shown(node: Node | undefined): string {
  if (node === undefined) return 'nothing';
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string': {
      const s = String(node.value);
      return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
    }
    default:
      return String(node.value);
  }
}

/** The members of an object node, each key once; a repeated key is an issue. */
function members(
  node: Node,
  field: string,
  issues: Issue[],
): Map<string, { key: Node; value: Node | undefined }> {
  const out = new Map<string, { key: Node; value: Node | undefined }>();
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key === undefined) continue;
    const name = String(key.value);
    if (out.has(name)) {
      issues.push({
        offset: key.offset,
        field: field === '' ? name : `${field}.${name}`,
        expected: 'each key once',
        found: `${JSON.stringify(name)} again`,
      });
      continue;
    }
    out.set(name, { key, value });
  }
  return out;
}

/**
 * An object with the keys `required` and perhaps `optional` (`'any'`: any keys); unknown keys
 * and missing ones are issues.
 */
function checkObject(
  node: Node | undefined,
  field: string,
  what: string,
  keys: { readonly required: readonly string[]; readonly optional: readonly string[] } | 'any',
  issues: Issue[],
): Map<string, { key: Node; value: Node | undefined }> | undefined {
  if (node?.type !== 'object') {
    issues.push({ offset: node?.offset ?? 0, field, expected: what, found: shown(node) });
    return undefined;
  }
  const found = members(node, field, issues);
  if (keys === 'any') return found;
  const allowed = [...keys.required, ...keys.optional];
  for (const [name, { key }] of found) {
    if (!allowed.includes(name))
      issues.push({
        offset: key.offset,
        field: field === '' ? name : `${field}.${name}`,
        expected: `only ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
        found: JSON.stringify(name),
      });
  }
  for (const name of keys.required) {
    if (!found.has(name))
      issues.push({
        offset: node.offset,
        field: field === '' ? name : `${field}.${name}`,
        expected: FIELD_WORDS[name] ?? name,
        found: 'nothing',
      });
  }
  return found;
}

/** What each field holds, in words. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  years: 'an object of years, each "YYYY": {"holidays": [...], "workdays": [...]}',
  holidays: 'an array of the days off, each {"date": "YYYY-MM-DD", "name": "..."}',
  workdays: 'an array of the make-up working days (调休上班), each {"date": "YYYY-MM-DD"}',
  date: 'a date as YYYY-MM-DD',
};

function checkFile(root: Node, issues: Issue[]): YearArrangement[] {
  const top = checkObject(
    root,
    '',
    'an object {"years": {...}}',
    { required: ['years'], optional: [] },
    issues,
  );
  const yearsNode = top?.get('years')?.value;
  if (yearsNode === undefined) return [];
  const years = checkObject(yearsNode, 'years', FIELD_WORDS.years ?? '', 'any', issues);
  if (years === undefined) return [];
  if (years.size === 0)
    issues.push({
      offset: yearsNode.offset,
      field: 'years',
      expected: 'at least one year',
      found: 'none',
    });
  const arrangements: YearArrangement[] = [];
  for (const [name, { key, value }] of years) {
    const field = `years.${name}`;
    if (!/^\d{4}$/.test(name)) {
      issues.push({
        offset: key.offset,
        field,
        expected: 'a year as YYYY',
        found: JSON.stringify(name),
      });
      continue;
    }
    const arrangement = checkYear(Number(name), value, field, issues);
    if (arrangement !== undefined) arrangements.push(arrangement);
  }
  checkContinuity(years, issues);
  return arrangements.sort((a, b) => a.year - b.year);
}

/** One year's arrangement: its days off (元旦 among them) and its make-up working days. */
function checkYear(
  year: number,
  node: Node | undefined,
  field: string,
  issues: Issue[],
): YearArrangement | undefined {
  const before = issues.length;
  const fields = checkObject(
    node,
    field,
    'an object {"holidays": [...], "workdays": [...]}',
    { required: ['holidays', 'workdays'], optional: ['source'] },
    issues,
  );
  if (fields === undefined || node === undefined) return undefined;
  const source = fields.get('source')?.value;
  if (source !== undefined && !isText(source, MAX_SOURCE))
    issues.push({
      offset: source.offset,
      field: `${field}.source`,
      expected: `a text of 1 to ${MAX_SOURCE} characters (the notice it was taken from)`,
      found: shown(source),
    });
  const seen = new Map<string, 'holidays' | 'workdays'>();
  const holidays = checkDays(
    year,
    fields.get('holidays')?.value,
    `${field}.holidays`,
    'holidays',
    seen,
    issues,
  );
  const workdays = checkDays(
    year,
    fields.get('workdays')?.value,
    `${field}.workdays`,
    'workdays',
    seen,
    issues,
  );
  const newYear = `${year}-01-01`;
  if (holidays !== undefined && !holidays.some((d) => d.date === newYear))
    issues.push({
      offset: fields.get('holidays')?.value?.offset ?? node.offset,
      field: `${field}.holidays`,
      expected: `${newYear} (元旦) among the days off, as in every year's arrangement`,
      found: 'a list without it',
    });
  if (holidays === undefined || workdays === undefined || issues.length > before) return undefined;
  return {
    year,
    holidays,
    workdays,
    ...(source === undefined ? {} : { source: String(source.value) }),
  };
}

function isText(node: Node, max: number): boolean {
  return (
    node.type === 'string' && String(node.value).trim() !== '' && String(node.value).length <= max
  );
}

/**
 * The days of one list: each a date of `year`, once in the whole year (not both a day off and
 * a working day); a make-up working day is a Saturday or a Sunday.
 */
function checkDays(
  year: number,
  node: Node | undefined,
  field: string,
  list: 'holidays' | 'workdays',
  seen: Map<string, 'holidays' | 'workdays'>,
  issues: Issue[],
): ArrangedDay[] | undefined {
  if (node === undefined) return undefined;
  if (node.type !== 'array') {
    issues.push({
      offset: node.offset,
      field,
      expected: FIELD_WORDS[list] ?? list,
      found: shown(node),
    });
    return undefined;
  }
  const days: ArrangedDay[] = [];
  for (const [index, entry] of (node.children ?? []).entries()) {
    const at = `${field}[${index}]`;
    const fields = checkObject(
      entry,
      at,
      '{"date": "YYYY-MM-DD", "name": "..."}',
      { required: ['date'], optional: ['name'] },
      issues,
    );
    if (fields === undefined) continue;
    const name = fields.get('name')?.value;
    if (name !== undefined && !isText(name, MAX_NAME))
      issues.push({
        offset: name.offset,
        field: `${at}.name`,
        expected: `a name of 1 to ${MAX_NAME} characters`,
        found: shown(name),
      });
    const dateNode = fields.get('date')?.value;
    if (dateNode === undefined) continue;
    const date = checkDate(year, dateNode, `${at}.date`, list, issues);
    if (date === undefined) continue;
    const earlier = seen.get(date);
    if (earlier !== undefined) {
      issues.push({
        offset: dateNode.offset,
        field: `${at}.date`,
        expected:
          earlier === list
            ? 'each date once'
            : 'a date that is not both a day off and a working day',
        found: `${date} ${earlier === list ? 'again' : `in ${earlier} too`}`,
      });
      continue;
    }
    seen.set(date, list);
    days.push(name === undefined ? { date } : { date, name: String(name.value) });
  }
  return days;
}

/** A date of `year` (a make-up working day: a Saturday or Sunday); undefined when not. */
function checkDate(
  year: number,
  node: Node,
  field: string,
  list: 'holidays' | 'workdays',
  issues: Issue[],
): string | undefined {
  const problem = dateProblem(year, node, list);
  if (typeof problem === 'string') return problem;
  issues.push({ offset: node.offset, field, ...problem });
  return undefined;
}

/** The date as `YYYY-MM-DD`, or what is wrong with it. */
function dateProblem(
  year: number,
  node: Node,
  list: 'holidays' | 'workdays',
): string | { expected: string; found: string } {
  if (node.type !== 'string') return { expected: 'a date as YYYY-MM-DD', found: shown(node) };
  let date;
  try {
    date = parseIsoDate(String(node.value));
  } catch {
    return { expected: 'an existing date as YYYY-MM-DD', found: shown(node) };
  }
  if (date.year !== year) return { expected: `a date in ${year}`, found: shown(node) };
  if (list === 'workdays' && !isWeekend(date))
    return {
      expected: 'a Saturday or Sunday (a make-up working day)',
      found: `${formatIsoDate(date)}, a ${WEEKDAY_NAMES[weekday(date)] ?? ''}`,
    };
  return formatIsoDate(date);
}

/**
 * The file's years and chinese-days' years together must be one unbroken run: a year after a
 * gap would leave the gap's days counted Monday–Friday while the calendar claims to cover them.
 */
function checkContinuity(
  years: ReadonlyMap<string, { key: Node; value: Node | undefined }>,
  issues: Issue[],
): void {
  const pkg = packageYears();
  const known = new Set<number>();
  for (let y = pkg.first; y <= pkg.last; y += 1) known.add(y);
  const file = [...years.keys()].filter((k) => /^\d{4}$/.test(k)).map(Number);
  for (const y of file) known.add(y);
  for (const [name, { key }] of years) {
    if (!/^\d{4}$/.test(name)) continue;
    const y = Number(name);
    const gap = y > pkg.last ? y - 1 : y < pkg.first ? y + 1 : y;
    if (!known.has(gap))
      issues.push({
        offset: key.offset,
        field: `years.${name}`,
        expected: `years that follow on without a gap from those chinese-days holds (${pkg.first}–${pkg.last})`,
        found: `${y} without ${gap}`,
      });
  }
}
