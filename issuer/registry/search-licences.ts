import type { LicenceRecord } from '../../shared/licence/record.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import type { ServiceDeps } from '../deps.js';

/**
 * What a licence search takes: the first characters of the number (at least the 6 of the
 * region), the whole number, or the number as the lists mask it (`440106********2429`: the
 * region and the last four).
 */
export const LICENCE_QUERY = /^(\d{6,17}|\d{17}[\dX]|\d{6}\*{8}\d{3}[\dX])$/;

/** Most licences one search answers; page on with `after`. */
export const LICENCE_SEARCH_MAX = 50;

/** One licence found: enough to tell it from the others, nothing of the holder but the number. */
export interface FoundLicence {
  readonly licenceNumber: string;
  readonly status: LicenceRecord['status'];
  readonly issuingAuthority: string;
  readonly validTo: string;
}

/** Above every character of a licence number (digits, `X`), in any collation. */
const PAST = 'Z';

/**
 * The licences whose number matches `query` ({@link LICENCE_QUERY}), by number, after the
 * number `after` when given: a range of the primary key (the region, or the prefix), then the
 * last four characters of a masked number among them.
 * @returns at most `limit` licences, and whether there are more.
 * @throws {RangeError} when the query or the limit is not one this function takes.
 */
export async function searchLicences(
  deps: Pick<ServiceDeps, 'db'>,
  search: { readonly query: string; readonly after?: string; readonly limit: number },
): Promise<{ licences: FoundLicence[]; more: boolean }> {
  const { query, after, limit } = search;
  if (!LICENCE_QUERY.test(query)) throw new RangeError('query: expected a licence number form');
  if (!Number.isInteger(limit) || limit < 1 || limit > LICENCE_SEARCH_MAX)
    throw new RangeError(`limit: expected an integer 1-${LICENCE_SEARCH_MAX}, found ${limit}`);
  const masked = query.includes('*');
  const prefix = masked ? query.slice(0, 6) : query;
  let select = deps.db.kysely
    .selectFrom('licences')
    .select(['licence_number', 'record'])
    .where('licence_number', '>=', prefix)
    .where('licence_number', '<', `${prefix}${PAST}`);
  if (masked) select = select.where('licence_number', 'like', `%${query.slice(-4)}`);
  if (after !== undefined) select = select.where('licence_number', '>', after);
  const rows = await select
    .orderBy('licence_number')
    .limit(limit + 1)
    .execute();
  return {
    licences: rows.slice(0, limit).map((row) => {
      const record = parseLicenceRecord(JSON.parse(row.record));
      return {
        licenceNumber: row.licence_number,
        status: record.status,
        issuingAuthority: record.issuingAuthority,
        validTo: record.validTo,
      };
    }),
    more: rows.length > limit,
  };
}
