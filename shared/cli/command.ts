import { statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes of the command line: valid, not valid, usage or input error. */
export const EXIT = { VALID: 0, INVALID: 1, USAGE: 2 } as const;

/** A mistake in how the command was called or in a file it was given: exit 2, one line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One subcommand: its usage line and what it does. Returns the exit code. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  run(args: readonly string[], io: Io): Promise<number>;
}

/** Where a command reads and writes; tests and the binary pass the process's own. */
export interface Io {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly now: () => Date;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's arguments strictly (unknown options are errors).
 * @throws {UsageError} naming what was wrong.
 */
export function parse<T extends Options>(
  args: readonly string[],
  options: T,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new UsageError(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Reads a whole input: stdin for "-". One trailing line ending is a file's, not the content's,
 * and is dropped, as is a leading byte order mark; any other whitespace stays (and a strict
 * decoder will refuse it).
 */
export async function readText(source: string, io: Io): Promise<string> {
  const text = source === '-' ? await readStream(io.stdin) : await readFileText(source);
  return text.replace(/\r?\n$/, '');
}

/** U+FEFF, which Windows editors write at the start of a UTF-8 file. */
const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Text without a leading byte order mark: it marks the encoding, it is not content (the
 * Encoding Standard's UTF-8 decode drops it too).
 */
function withoutByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/**
 * Reads a JSON file.
 * @throws {UsageError} when it cannot be read or parsed.
 */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFileText(path);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${path}: expected JSON, found text that does not parse`);
  }
}

/**
 * Reads a text file as UTF-8, without a leading byte order mark.
 * @throws {UsageError} when the file cannot be read.
 */
export async function readFileText(path: string): Promise<string> {
  try {
    return withoutByteOrderMark(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new UsageError(`${path}: cannot read (${errnoOf(cause)})`);
  }
}

/** @throws {UsageError} when the file cannot be read. */
export async function readFileBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new UsageError(`${path}: cannot read (${errnoOf(cause)})`);
  }
}

/**
 * Writes a file the command was asked to make (a picture of the code, say).
 * @throws {UsageError} when it cannot be written, naming the file and why.
 */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFile(path, data);
  } catch (cause) {
    throw new UsageError(`${path}: cannot write (${errnoOf(cause)})`);
  }
}

/** The code of a failed file operation (ENOENT, EACCES, EEXIST, …), or `error` without one. */
export function errnoOf(cause: unknown): string {
  return (cause as NodeJS.ErrnoException).code ?? 'error';
}

/** Reads a stream to its end as UTF-8, without a leading byte order mark. */
export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return withoutByteOrderMark(Buffer.concat(chunks).toString('utf8'));
}

/** One line of a batch: its text, or, when it ran past the limit, only how long it was. */
export type Line =
  | { readonly text: string }
  | {
      /** Bytes of the line (its newline not counted), all of them read and dropped. */
      readonly tooLongBytes: number;
    };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Yields a stream line by line, without the line ending (`\n` or `\r\n`), as it arrives. A
 * line is kept only up to `maxBytes`: past that its bytes are counted and dropped until the next
 * newline, and it comes out as `tooLongBytes`, so a line without end costs no memory. Lines are
 * cut as bytes and decoded as UTF-8 whole, so a character split between two chunks stays whole.
 * A byte order mark at the start of the stream is not part of the first line.
 * @throws {RangeError} when `maxBytes` is not a non-negative integer.
 */
export async function* lines(
  stream: NodeJS.ReadableStream,
  maxBytes: number,
): AsyncGenerator<Line> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
    throw new RangeError(`maxBytes: expected a non-negative integer, found ${maxBytes}`);
  let kept: Buffer[] = [];
  let keptBytes = 0;
  let lineBytes = 0;
  let first = true;
  const take = (part: Buffer): void => {
    lineBytes += part.length;
    if (lineBytes > maxBytes + 1) {
      // Past the limit (one byte more for a "\r" before the newline): drop what was kept.
      kept = [];
      keptBytes = 0;
    } else if (part.length > 0) {
      kept.push(part);
      keptBytes += part.length;
    }
  };
  const line = (): Line => {
    const bytes = Buffer.concat(kept, keptBytes);
    const end = bytes.at(-1) === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    let result: Line;
    if (lineBytes > maxBytes + 1 || end > maxBytes) {
      result = { tooLongBytes: lineBytes > maxBytes + 1 ? lineBytes : end };
    } else {
      const text = bytes.toString('utf8', 0, end);
      result = { text: first ? withoutByteOrderMark(text) : text };
    }
    first = false;
    kept = [];
    keptBytes = 0;
    lineBytes = 0;
    return result;
  };
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    let at: number;
    while ((at = bytes.indexOf(NEWLINE, start)) >= 0) {
      take(bytes.subarray(start, at));
      yield line();
      start = at + 1;
    }
    take(bytes.subarray(start));
  }
  if (lineBytes > 0) yield line();
}

/**
 * An argument that is the input itself (a token, a QR text), as given. One that does not have
 * the input's shape but names an existing file is the caller's mistake (the file's content was
 * meant): a usage error saying how to pass the file instead, rather than a verdict on its name.
 * @param shape what the input looks like (anchored).
 * @param what the input's name in the message ("a compact JWS").
 * @param instead how to pass a file, given its path.
 * @throws {UsageError} when `value` names a file.
 */
export function inputArgument(
  value: string,
  shape: RegExp,
  what: string,
  instead: (path: string) => string,
): string {
  if (!shape.test(value) && isFile(value)) {
    throw new UsageError(
      `expected ${what}, found a file path ${JSON.stringify(value)}; use ${instead(value)}`,
    );
  }
  return value;
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    // A name too long, or with a NUL byte, names no file.
    return false;
  }
}

/**
 * Reads `--now`: an ISO 8601 date-time with a time zone, or the clock.
 * @throws {UsageError} on anything else.
 */
export function clockFrom(value: string | undefined, io: Io): Date {
  if (value === undefined) return io.now();
  const m = ISO_DATE_TIME.exec(value);
  const date = m === null ? undefined : new Date(value);
  // Date.parse rolls 2026-02-30 over to March: require the fields to be a real date and time.
  if (m === null || date === undefined || Number.isNaN(date.getTime()) || !realDateTime(m)) {
    throw new UsageError(
      `--now: expected an ISO 8601 date-time with a zone (e.g. 2026-11-24T09:30:00+08:00), found ${JSON.stringify(value)}`,
    );
  }
  return date;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function realDateTime(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second = 0, zoneHour = 0, zoneMinute = 0] = m
    .slice(1)
    .map((part: string | undefined) => (part === undefined ? undefined : Number(part)));
  if (year === undefined || month === undefined || day === undefined) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= days &&
    (hour ?? 99) <= 23 &&
    (minute ?? 99) <= 59 &&
    second <= 59 &&
    zoneHour <= 23 &&
    zoneMinute <= 59
  );
}

/**
 * Reads an integer option from `min` (0 unless given) to `max`.
 * @throws {UsageError} on anything else.
 */
export function integerFrom(
  value: string | undefined,
  name: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
  min = 0,
): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,15}$/.test(value) || Number(value) > max || Number(value) < min) {
    throw new UsageError(
      `${name}: expected an integer ${min}-${max}, found ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

/** Writes and waits for the stream to take it (so a large batch is not held in memory). */
export async function write(
  stream: NodeJS.WritableStream,
  text: string | Uint8Array,
): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}
