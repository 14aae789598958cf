import { ServiceError } from '../service-error.js';

/** The two formats of a registry file. */
export type ImportFormat = 'json' | 'csv';

/**
 * One problem with one row of a registry file, free of personal data. `line` is the 1-based
 * record number in a JSON file (`record N`) and the physical line in a CSV file, where the row
 * starts (line 1 is the header).
 */
export interface ImportIssue {
  readonly line: number;
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

/** How a format counts its rows in messages: `record 3` in JSON, `line 3` in CSV. */
export function lineUnit(format: ImportFormat): 'record' | 'line' {
  return format === 'json' ? 'record' : 'line';
}

/**
 * Some rows of a registry file are not valid, or cannot be applied as lifecycle changes:
 * 422 `ERR_IMPORT_INVALID` with every issue in `errors`. Nothing was applied.
 */
export class ImportInvalidError extends ServiceError {
  constructor(
    readonly format: ImportFormat,
    readonly errors: readonly ImportIssue[],
  ) {
    const rows = new Set(errors.map((e) => e.line)).size;
    super(
      422,
      'ERR_IMPORT_INVALID',
      `registry import: ${errors.length} ${errors.length === 1 ? 'problem' : 'problems'} in ${rows} ${rows === 1 ? lineUnit(format) : `${lineUnit(format)}s`}; nothing was applied`,
      { format, errors },
    );
  }
}

/** The file as a whole cannot be read as its format says: 400 `ERR_IMPORT_MALFORMED`. */
export function importMalformed(message: string, extra?: Record<string, unknown>): ServiceError {
  return new ServiceError(400, 'ERR_IMPORT_MALFORMED', `registry import: ${message}`, extra);
}

/** The file is over a limit: 413 `ERR_TOO_LARGE`, with what the limit is and what was found. */
export function importTooLarge(expected: string, found: string): ServiceError {
  return new ServiceError(
    413,
    'ERR_TOO_LARGE',
    `registry import: expected ${expected}, found ${found}`,
    {
      expected,
      found,
    },
  );
}

/**
 * The file holds no licence row: 422 `ERR_IMPORT_EMPTY`. An empty export is a mistake upstream
 * (a failed query, a truncated transfer), not a registry with nothing to say.
 * @param what what the file held instead (`an empty file`, `only the header row`, `an empty list`).
 */
export function importEmpty(what: string): ServiceError {
  const expected = 'at least one licence row';
  const found = `none (${what})`;
  return new ServiceError(
    422,
    'ERR_IMPORT_EMPTY',
    `registry import: expected ${expected}, found ${found}; nothing was applied`,
    { expected, found },
  );
}
