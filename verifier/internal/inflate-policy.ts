import { LicenceError } from '../../shared/errors.js';

/** The two forms of DEFLATE data a verifier reads, by name. */
export const DEFLATE_FORMAT = { raw: 'raw DEFLATE (RFC 1951)', zlib: 'zlib (RFC 1950)' } as const;

/**
 * The refusal of input that goes on after its compressed stream has ended (and, for zlib, after
 * its Adler-32): both backends refuse it alike, as neither decoder would read those bytes.
 */
export function bytesAfterTheEnd(format: keyof typeof DEFLATE_FORMAT): LicenceError {
  return new LicenceError(
    'ERR_MALFORMED',
    `compressed data: expected ${DEFLATE_FORMAT[format]} ending where the input ends, found bytes after its end`,
  );
}

/** The refusal of data that would inflate to more than `maxOutputLength` bytes. */
export function inflatedTooLarge(maxOutputLength: number, cause?: unknown): LicenceError {
  return new LicenceError(
    'ERR_TOO_LARGE',
    `compressed data: expected at most ${maxOutputLength} bytes inflated, found more`,
    ...(cause === undefined ? [] : [{ cause }]),
  );
}

/** The refusal of data that does not inflate as `format`. */
export function doesNotInflate(format: keyof typeof DEFLATE_FORMAT, cause: unknown): LicenceError {
  return new LicenceError(
    'ERR_MALFORMED',
    `compressed data: expected ${DEFLATE_FORMAT[format]}, found data that does not inflate`,
    { cause },
  );
}
