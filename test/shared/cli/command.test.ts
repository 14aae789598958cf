/*
 * The command line's line reader: lines cut as bytes, a line past the limit counted and dropped
 * as it streams past, never held. Its integer options: the range, with a minimum when given.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { integerFrom, lines, UsageError, type Line } from '../../../shared/cli/command.js';

/** Every line of `chunks` (each chunk arriving on its own), read with `maxBytes`. */
async function read(chunks: readonly (string | Uint8Array)[], maxBytes: number): Promise<Line[]> {
  const out: Line[] = [];
  const stream = Readable.from(chunks.map((c) => Buffer.from(c)));
  for await (const line of lines(stream, maxBytes)) out.push(line);
  return out;
}

describe('lines', () => {
  it('when lines end in \\n or \\r\\n, or the last has no ending, then each comes without its ending, empty ones too', async () => {
    expect(await read(['a\nb\r\n\n', 'c', 'd\r\ne'], 10)).toEqual([
      { text: 'a' },
      { text: 'b' },
      { text: '' },
      { text: 'cd' },
      { text: 'e' },
    ]);
    expect(await read(['a\n'], 10)).toEqual([{ text: 'a' }]);
    expect(await read([], 10)).toEqual([]);
  });

  it('when a character is split between two chunks, then it comes out whole', async () => {
    const bytes = Buffer.from('驾驶证\n');
    expect(await read([bytes.subarray(0, 4), bytes.subarray(4)], 100)).toEqual([
      { text: '驾驶证' },
    ]);
  });

  it('when the stream starts with a byte order mark, even split across chunks, then the first line comes without it; one starting a later line stays', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(await read([bom.subarray(0, 2), bom.subarray(2), 'a\n\uFEFFb\n'], 10)).toEqual([
      { text: 'a' },
      { text: '\uFEFFb' },
    ]);
    expect(await read([bom], 10)).toEqual([{ text: '' }]);
  });

  it('when a line is exactly maxBytes (with or without \\r), then its text; one byte more, then its length only', async () => {
    expect(await read(['12345\n', '12345\r\n', '123456\n', '123456\r\n'], 5)).toEqual([
      { text: '12345' },
      { text: '12345' },
      { tooLongBytes: 6 },
      { tooLongBytes: 7 },
    ]);
  });

  it('when a line runs past the limit across many chunks, with no newline at the end, then one line with its whole length', async () => {
    const chunk = 'x'.repeat(1000);
    expect(
      await read(
        Array.from({ length: 50 }, () => chunk),
        10,
      ),
    ).toEqual([{ tooLongBytes: 50_000 }]);
  });

  it('when a long line stands between two short ones, then three lines in order, the long one by its length', async () => {
    expect(await read(['ok 1\n', 'y'.repeat(30), 'y'.repeat(30), '\nok 2\n'], 10)).toEqual([
      { text: 'ok 1' },
      { tooLongBytes: 60 },
      { text: 'ok 2' },
    ]);
  });

  it('when maxBytes is negative or not an integer, then RangeError', async () => {
    await expect(read(['a'], -1)).rejects.toThrow(RangeError);
    await expect(read(['a'], 1.5)).rejects.toThrow(RangeError);
  });
});

describe('integerFrom', () => {
  it('when a minimum is given, then a value below it is a usage error naming the range; at it, the value; absent, the fallback', () => {
    expect(() => integerFrom('0', '--jobs', 2, 256, 1)).toThrow(
      new UsageError('--jobs: expected an integer 1-256, found "0"'),
    );
    expect(integerFrom('1', '--jobs', 2, 256, 1)).toBe(1);
    expect(integerFrom(undefined, '--jobs', 2, 256, 1)).toBe(2);
  });

  it('when no minimum is given, then 0 is taken and the range says 0', () => {
    expect(integerFrom('0', '--count', 1, 10)).toBe(0);
    expect(() => integerFrom('11', '--count', 1, 10)).toThrow(
      new UsageError('--count: expected an integer 0-10, found "11"'),
    );
  });
});
