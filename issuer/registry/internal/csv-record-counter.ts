/*
 * Counts the records of a CSV file as its bytes arrive, without parsing it: enough to refuse a
 * file over the row limit at once, before a byte more is read or a row is validated. Private to
 * issuer/registry.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** U+FEFF in UTF-8: a spreadsheet's byte order mark, not content. */
const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Counts CSV records the way readCsvRows reads them (RFC 4180: `"` quotes, `""` inside quotes;
 * CRLF, LF or a lone CR end a line; empty lines skipped; a leading byte order mark ignored): a
 * line break outside quotes ends a record if its line held anything. The header is a record.
 *
 * Bytes, not characters: the bytes of `"`, CR and LF never occur inside a multi-byte UTF-8
 * character, so the count is the same whatever the file's text. A file that is not well-formed
 * CSV may be counted differently than a parser would; the parser refuses it then, and the count
 * after parsing is the one that decides.
 */
export class CsvRecordCounter {
  /** Records ended so far. */
  private ended = 0;
  private quoted = false;
  private lineHasContent = false;
  /** Bytes seen, to recognise the byte order mark at the very start. */
  private offset = 0;

  /** Counts the records that end in `chunk`; returns the records counted so far. */
  push(chunk: Uint8Array): number {
    let quoted = this.quoted;
    let content = this.lineHasContent;
    let ended = this.ended;
    let i = 0;
    // The byte order mark, possibly split across the first chunks.
    while (i < chunk.length && this.offset + i < BOM.length && chunk[i] === BOM[this.offset + i])
      i++;
    for (; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) {
        quoted = !quoted;
        content = true;
      } else if ((byte === LF || byte === CR) && !quoted) {
        if (content) ended++;
        content = false;
      } else content = true;
    }
    this.offset += chunk.length;
    this.quoted = quoted;
    this.lineHasContent = content;
    this.ended = ended;
    return ended;
  }

  /** Records in all that was pushed, the last one counted even without a final line break. */
  get records(): number {
    return this.ended + (this.lineHasContent ? 1 : 0);
  }
}
