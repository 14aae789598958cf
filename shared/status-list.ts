import { LicenceError } from './errors.js';

/**
 * Status values (IETF Token Status List §7.1; 2 bits per entry here). 3 is the one value the
 * list leaves to the application; here it marks a credential replaced by a newer one.
 */
export const STATUS = {
  VALID: 0,
  /** Licence revoked (吊销) or cancelled (注销), or credential withdrawn. */
  INVALID: 1,
  /** Licence not usable for now: seized (暂扣), 12 points (超分), renewal overdue. */
  SUSPENDED: 2,
  /** Replaced by a newer e-licence: photo change, renewal, replacement of the paper licence. */
  SUPERSEDED: 3,
} as const;

export type StatusValue = (typeof STATUS)[keyof typeof STATUS];

/** Bits per entry allowed by the Token Status List (§4.1). */
export type StatusBits = 1 | 2 | 4 | 8;

/**
 * The status at `index` in an uncompressed list: entries are packed least significant bit
 * first (Token Status List §4.1).
 * @throws {RangeError} when `index` lies outside the list.
 */
export function readStatus(list: Uint8Array, bits: StatusBits, index: number): number {
  const bit = index * bits;
  const byte = list[Math.floor(bit / 8)];
  if (!Number.isSafeInteger(index) || index < 0 || byte === undefined) {
    throw new RangeError(
      `status index: expected 0-${(list.length * 8) / bits - 1}, found ${index}`,
    );
  }
  return (byte >> (bit % 8)) & ((1 << bits) - 1);
}

/**
 * Packs one status value per entry into the list's byte form.
 * @throws {LicenceError} `ERR_MALFORMED` on a value that does not fit in `bits`.
 */
export function packStatuses(values: ArrayLike<number>, bits: StatusBits): Uint8Array {
  const out = new Uint8Array(Math.ceil((values.length * bits) / 8));
  const max = (1 << bits) - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw new LicenceError('ERR_MALFORMED', `status ${i}: expected 0-${max}, found ${v}`);
    }
    const bit = i * bits;
    out[bit >> 3] = (out[bit >> 3] as number) | (v << (bit % 8));
  }
  return out;
}
