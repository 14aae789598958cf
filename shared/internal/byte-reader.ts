import { LicenceError } from '../errors.js';

/** Largest varint accepted: 2^53 − 1 fits in 8 LEB128 bytes. */
const MAX_VARINT_BYTES = 8;

/** Reads a byte string front to back; every read names what it reads in its error. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /**
   * Unsigned LEB128, canonical: no superfluous trailing zero group.
   * @throws {LicenceError} `ERR_MALFORMED`.
   */
  varint(what: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const byte = this.bytes[this.offset];
      if (byte === undefined) throw this.short(what, 1);
      this.offset++;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) {
          throw new LicenceError(
            'ERR_MALFORMED',
            `${what}: expected a minimal varint, found a padded one`,
          );
        }
        if (!Number.isSafeInteger(value)) {
          throw new LicenceError('ERR_MALFORMED', `${what}: expected at most 2^53 − 1, found more`);
        }
        return value;
      }
      scale *= 128;
    }
    throw new LicenceError(
      'ERR_MALFORMED',
      `${what}: expected a varint of at most ${MAX_VARINT_BYTES} bytes, found a longer one`,
    );
  }

  /** @throws {LicenceError} `ERR_MALFORMED` when fewer than `length` bytes remain. */
  bytesOf(length: number, what: string): Uint8Array {
    if (this.offset + length > this.bytes.length) throw this.short(what, length);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** @throws {LicenceError} `ERR_MALFORMED` when any byte is left. */
  end(what: string): void {
    const left = this.bytes.length - this.offset;
    if (left !== 0) {
      throw new LicenceError(
        'ERR_MALFORMED',
        `${what}: expected the end, found ${left} trailing byte(s)`,
      );
    }
  }

  private short(what: string, wanted: number): LicenceError {
    return new LicenceError(
      'ERR_MALFORMED',
      `${what}: expected ${wanted} more byte(s), found ${this.bytes.length - this.offset}`,
    );
  }
}

/** Writes what {@link ByteReader} reads. */
export class ByteWriter {
  private readonly parts: number[] = [];

  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`varint: expected a safe non-negative integer, found ${value}`);
    let v = value;
    while (v >= 128) {
      this.parts.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.parts.push(v);
    return this;
  }

  bytes(data: Uint8Array): this {
    for (const b of data) this.parts.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
