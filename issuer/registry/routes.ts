import type { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import type { RateLimits } from '../http/rate-limiter.js';
import { limitByStaff } from '../http/staff-rate-limit.js';
import { unsupportedCharset, unsupportedEncoding } from '../http/problem.js';
import { route } from '../http/route-spec.js';
import { json, LICENCE_NUMBER_PATTERN, licenceNumberParams, noStoreJson } from '../http/schemas.js';
import { authOf } from '../http/session.js';
import { mediaTypeOf, unsupportedMediaType } from '../http/validation.js';
import { licenceRecordReply } from '../lifecycle/replies.js';
import { ServiceError } from '../service-error.js';
import { driverAccountOf } from './driver-account.js';
import { getLicence } from './get-licence.js';
import { importReply, licenceAccountReply, licenceReply, licenceSearchReply } from './replies.js';
import { importMalformed, importTooLarge, type ImportFormat } from './import-errors.js';
import { importLicences, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './import-licences.js';
import { CsvRecordCounter } from './internal/csv-record-counter.js';
import { tooManyRows } from './internal/read-rows.js';
import { LICENCE_QUERY, LICENCE_SEARCH_MAX, searchLicences } from './search-licences.js';

/** Licences a search answers unless `limit` says otherwise. */
const LICENCE_SEARCH_DEFAULT = 20;

/** The path of the import, under /api. */
export const IMPORT_PATH = '/registry/import';

/** The import's format from the Content-Type, or a 415. */
function formatOf(req: Request): ImportFormat {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1];
  // By the header alone: an empty body has a type too (and is refused as empty, not as untyped).
  const type = mediaTypeOf(req);
  const format = type === 'text/csv' ? 'csv' : type === 'application/json' ? 'json' : undefined;
  if (format === undefined) throw unsupportedMediaType(req, 'text/csv or application/json');
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) throw unsupportedCharset(charset);
  return format;
}

/**
 * The stream that undoes the body's Content-Encoding, piped from `req`; undefined for identity.
 * @throws {ServiceError} 415 `ERR_UNSUPPORTED_ENCODING` for any other encoding.
 */
function inflaterOf(req: Request): Transform | undefined {
  const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return undefined;
  const inflate = INFLATE[encoding];
  if (inflate === undefined) throw unsupportedEncoding(encoding);
  return req.pipe(inflate());
}

const INFLATE: Readonly<Record<string, () => Transform>> = {
  gzip: () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/** The rest of a request refused part-way: read off the socket and dropped, never looked at. */
function discard(req: Request, inflater: Transform | undefined): void {
  if (inflater !== undefined) {
    req.unpipe(inflater);
    inflater.destroy();
  }
  req.resume();
}

/**
 * The import's body parser, after the role check: `text/csv` or `application/json` in UTF-8
 * (415 otherwise), in a Content-Encoding the service undoes (identity, gzip, deflate, br), at
 * most {@link MAX_IMPORT_BYTES} once decompressed. A CSV body's records are counted as its bytes
 * arrive: once it is past {@link MAX_IMPORT_ROWS} rows, or past the byte limit, it is refused
 * (413) at once, and the rest of the request is dropped unread, never parsed or validated.
 * Sets `req.body` to the bytes; the use case decodes them strictly.
 */
export function importBodyParser(): RequestHandler {
  return (req, _res, next) => {
    let format: ImportFormat;
    let inflater: Transform | undefined;
    try {
      format = formatOf(req);
      inflater = inflaterOf(req);
    } catch (error) {
      req.resume();
      next(error);
      return;
    }
    const source: Readable = inflater ?? req;
    const declared = Number(req.get('content-length'));
    if (inflater === undefined && declared > MAX_IMPORT_BYTES) {
      discard(req, inflater);
      next(importTooLarge(`at most ${MAX_IMPORT_BYTES} bytes`, `${declared} bytes`));
      return;
    }
    const counter = format === 'csv' ? new CsvRecordCounter() : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      if (error !== undefined) {
        discard(req, inflater);
        next(error);
        return;
      }
      req.body = Buffer.concat(chunks, size);
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_IMPORT_BYTES) {
        settle(
          importTooLarge(
            `at most ${MAX_IMPORT_BYTES} bytes${inflater === undefined ? '' : ' once decompressed'}`,
            'more (the body was not read further)',
          ),
        );
        return;
      }
      // The header, then at most MAX_IMPORT_ROWS rows: one record more and the file is refused.
      if (counter !== undefined && counter.push(chunk) > MAX_IMPORT_ROWS + 1) {
        settle(tooManyRows(MAX_IMPORT_ROWS));
        return;
      }
      chunks.push(chunk);
    };
    source.on('data', onData);
    source.once('end', () => {
      settle();
    });
    source.once('error', () => {
      settle(
        importMalformed(
          'expected a body compressed as its Content-Encoding says, found bytes that do not decompress',
        ),
      );
    });
    req.once('close', () => {
      if (!req.complete)
        settle(
          new ServiceError(
            400,
            'ERR_BAD_REQUEST',
            'request body: expected as many bytes as Content-Length says, found a body cut short',
          ),
        );
    });
  };
}

/** The bytes importBodyParser read. */
function bodyOf(req: Request): Uint8Array {
  const body: unknown = req.body;
  return body instanceof Uint8Array ? body : new Uint8Array(0);
}

/** Licence searches one member of staff may make a minute. */
export const LICENCE_SEARCHES_PER_MINUTE = 30;
/** Whole licence records (ID number, address, birth date) one member of staff may open a minute. */
export const LICENCE_READS_PER_MINUTE = 60;

/** The query of GET /api/registry/licences. */
const searchQuery = z.strictObject({
  number: z.string().regex(LICENCE_QUERY),
  after: z.string().regex(LICENCE_NUMBER_PATTERN).optional(),
  limit: z.coerce.number().int().min(1).max(LICENCE_SEARCH_MAX).optional(),
});
const SEARCH_EXPECTED = {
  number:
    'the first 6 to 17 digits of a licence number, the whole number (17 digits and a digit or X), or the masked form 440106********2429',
  after: 'a whole licence number (17 digits and a digit or X)',
  limit: `an integer 1–${LICENCE_SEARCH_MAX}`,
};

/** The routes of the licence registry. */
export const REGISTRY_SPECS = {
  import: route({
    method: 'post',
    path: `/api${IMPORT_PATH}`,
    roles: ['admin'],
    operationId: 'importRegistry',
    tag: 'registry',
    summary: 'Import licence records, all or nothing',
    description: `JSON (an array of records, or an object with a \`licences\` array) or CSV (RFC 4180, a header row of field names), UTF-8, at most ${MAX_IMPORT_BYTES} bytes and ${MAX_IMPORT_ROWS} rows, at least one. A CSV body is refused as soon as it passes either limit, before the rest is read. New licences are inserted; changed ones are brought to the file's record through the lifecycle.`,
    body: {
      kind: 'raw',
      content: {
        'application/json': z.union([
          z.array(licenceRecordReply),
          z.object({ licences: z.array(licenceRecordReply) }),
        ]),
        'text/csv': z.string(),
      },
      read: importBodyParser,
    },
    replies: {
      200: json('What the import did.', importReply),
    },
    errors: {
      400: ['ERR_IMPORT_MALFORMED', 'ERR_BAD_REQUEST'],
      413: ['ERR_TOO_LARGE'],
      415: ['ERR_UNSUPPORTED_MEDIA_TYPE'],
      422: ['ERR_IMPORT_INVALID', 'ERR_IMPORT_EMPTY'],
    },
  }),
  search: route({
    method: 'get',
    path: '/api/registry/licences',
    roles: ['admin'],
    operationId: 'searchLicences',
    tag: 'registry',
    summary: 'Licences by number: a prefix, the whole number, or the masked form the lists show',
    description: `\`number\` is the first characters of the number (at least the 6 of the region), the whole number, or the number as lists mask it (\`440106********2429\`: the region and the last four). By number; page on with \`after\`, the last number received. Each match names its number, status, issuing authority and last valid day, nothing else of the holder. At most ${LICENCE_SEARCHES_PER_MINUTE} searches a minute per member of staff.`,
    query: { schema: searchQuery, expected: SEARCH_EXPECTED },
    replies: {
      200: noStoreJson('The licences found.', licenceSearchReply),
    },
    errors: { 422: ['ERR_VALIDATION'], 429: ['ERR_RATE_LIMITED'] },
  }),
  account: route({
    method: 'get',
    path: '/api/registry/licences/:number/account',
    roles: ['admin'],
    operationId: 'getLicenceAccount',
    tag: 'registry',
    summary: 'The driver account that holds a licence, and whether its sign-in is locked',
    description:
      'Null when no account holds the licence. `lockedUntil`: when the lock on its licence number or phone number ends (POST …/account/unlock ends it earlier). Never the phone number.',
    params: licenceNumberParams,
    replies: {
      200: noStoreJson('The account.', licenceAccountReply),
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
  licence: route({
    method: 'get',
    path: '/api/registry/licences/:number',
    roles: ['reviewer', 'admin'],
    operationId: 'getLicence',
    tag: 'registry',
    summary: 'One licence with its version and its e-licences',
    description: `The whole record: ID number, address, birth date. Never cached; at most ${LICENCE_READS_PER_MINUTE} a minute per member of staff.`,
    params: licenceNumberParams,
    replies: {
      200: noStoreJson('The licence.', licenceReply),
    },
    errors: { 404: ['ERR_NOT_FOUND'], 429: ['ERR_RATE_LIMITED'] },
  }),
};

/**
 * Registry routes, mounted under /api: the import (admin), which reads its own body (20 MB)
 * after the role check; licences by number and the driver account of one (admin); one licence
 * with its e-licences (admin, reviewer), never cached and rate-limited like the search: it holds
 * the ID number, address and birth date.
 */
export function registryRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  const limitSearches = limitByStaff(
    deps,
    rateLimits,
    'licence-search',
    LICENCE_SEARCHES_PER_MINUTE,
    'licence searches',
  );
  const limitReads = limitByStaff(
    deps,
    rateLimits,
    'licence-read',
    LICENCE_READS_PER_MINUTE,
    'licence records opened',
  );
  return mount(Router(), '/api', [
    handle(
      REGISTRY_SPECS.search,
      async (_req, res, { query }) => {
        const found = await searchLicences(deps, {
          query: query.number,
          ...(query.after === undefined ? {} : { after: query.after }),
          limit: query.limit ?? LICENCE_SEARCH_DEFAULT,
        });
        noStore(res).json(found);
      },
      [limitSearches],
    ),
    handle(REGISTRY_SPECS.account, async (_req, res, { params }) => {
      noStore(res).json({ account: await driverAccountOf(deps, params.number) });
    }),
    handle(REGISTRY_SPECS.import, async (req, res) => {
      const summary = await importLicences(deps, {
        format: formatOf(req),
        text: bodyOf(req),
        actor: `staff:${authOf(req).subjectId}`,
      });
      res.json(summary);
    }),
    handle(
      REGISTRY_SPECS.licence,
      async (_req, res, { params }) => {
        noStore(res).json(await getLicence(deps, params.number));
      },
      [limitReads],
    ),
  ]);
}
