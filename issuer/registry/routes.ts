import express, { Router, type Request, type RequestHandler } from 'express';
import type { ServiceDeps } from '../deps.js';
import { LICENCE_NUMBER_PATTERN } from '../http/validation.js';
import { notFound, ServiceError } from '../http/problem.js';
import { authOf, requireRole } from '../http/session.js';
import { getLicence } from './get-licence.js';
import type { ImportFormat } from './import-errors.js';
import { importLicences, MAX_IMPORT_BYTES } from './import-licences.js';

/** The path of the import, under /api. */
export const IMPORT_PATH = '/registry/import';
const IMPORT_TYPES = ['text/csv', 'application/json'];

/**
 * The body parser of the import: the raw bytes (up to {@link MAX_IMPORT_BYTES}) of a `text/csv`
 * or `application/json` body, decoded strictly as UTF-8 by the use case. It does nothing when
 * an earlier parser has already read the body.
 */
export function importBodyParser(): RequestHandler {
  return express.raw({ type: IMPORT_TYPES, limit: MAX_IMPORT_BYTES });
}

/** The import's format from the Content-Type, or a 415. */
function formatOf(req: Request): ImportFormat {
  const type = req.get('content-type') ?? '';
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  const format =
    req.is('text/csv') === 'text/csv' ? 'csv' : req.is('application/json') ? 'json' : undefined;
  if (format === undefined || (charset !== undefined && !/^utf-?8$/i.test(charset)))
    throw new ServiceError(
      415,
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      'Content-Type: expected text/csv or application/json, in UTF-8',
    );
  return format;
}

/** The bytes importBodyParser read: none when the body was not of an import type. */
function bodyOf(req: Request): Uint8Array {
  const body: unknown = req.body;
  return body instanceof Uint8Array ? body : new Uint8Array(0);
}

/**
 * Registry routes, mounted under /api:
 * - POST /registry/import (admin), body `application/json` or `text/csv` up to 20 MB →
 *   200 `{inserted, updated, unchanged}`; 422 `ERR_IMPORT_INVALID` `{format, errors: [{line,
 *   field, expected, found}]}` with nothing applied; 400 `ERR_IMPORT_MALFORMED`; 413
 *   `ERR_TOO_LARGE`; 415 `ERR_UNSUPPORTED_MEDIA_TYPE`.
 * - GET /registry/licences/:number (admin, reviewer) → `{licence, version, updatedAt,
 *   credentials: [{jti, state, listId, index, expiresAt}]}`; 404 `ERR_NOT_FOUND`.
 *
 * The import reads its own body (20 MB), after the role check.
 */
export function registryRoutes(deps: ServiceDeps): Router {
  const router = Router();
  router.post(IMPORT_PATH, requireRole('admin'), importBodyParser(), (req, res, next) => {
    Promise.resolve()
      .then(() =>
        importLicences(deps, {
          format: formatOf(req),
          text: bodyOf(req),
          actor: `staff:${authOf(req).subjectId}`,
        }),
      )
      .then((summary) => res.json(summary))
      .catch(next);
  });
  router.get('/registry/licences/:number', requireRole('admin', 'reviewer'), (req, res, next) => {
    Promise.resolve()
      .then(() => {
        const number = req.params.number;
        if (typeof number !== 'string' || !LICENCE_NUMBER_PATTERN.test(number))
          throw notFound('licence');
        return getLicence(deps, number);
      })
      .then((view) => res.json(view))
      .catch(next);
  });
  return router;
}
