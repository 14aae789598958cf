import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { POINTS_LIMIT } from '../../shared/licence.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { readJsonBody, parseInput, LICENCE_NUMBER_PATTERN } from '../http/validation.js';
import { authOf, requireRole } from '../http/session.js';
import { changeLicence } from './change-licence.js';
import { AUDIT_PAGE_MAX, listAudit } from './list-audit.js';
import type { LicenceChange } from './transitions.js';

/** A licence number's shape (GB 11643); anything else cannot name a licence: 404. */

const reason = z.string().min(1).max(200).optional();
/** The body of suspend, revoke, cancel, restore and replace. */
export const plainBody = z.strictObject({ reason });
/** The body of …/points. */
export const pointsBody = z.strictObject({ points: z.number(), reason });
/** The body of …/renew. */
export const renewBody = z.strictObject({ validFrom: z.string(), validTo: z.string(), reason });
const auditQuery = z.strictObject({
  subject: z.string().min(1).max(64),
  afterId: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
});

/** What each field must be, for the 422 answer of a request of the wrong shape. */
export const LIFECYCLE_EXPECTED: Readonly<Record<string, string>> = {
  reason: 'a string of 1–200 characters',
  points: `an integer 0–${POINTS_LIMIT}`,
  validFrom: 'a date YYYY-MM-DD',
  validTo: 'a date YYYY-MM-DD or "long-term"',
  subject: 'a licence number or subject of 1–64 characters',
  afterId: 'a non-negative integer',
  limit: `an integer 1–${AUDIT_PAGE_MAX}`,
};

/** Reads a body or query (an absent body is an empty one). */
function read<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return parseInput(schema, value ?? {}, LIFECYCLE_EXPECTED);
}

function licenceNumberOf(req: Request): string {
  const number = req.params.number;
  if (typeof number !== 'string' || !LICENCE_NUMBER_PATTERN.test(number)) throw notFound('licence');
  return number;
}

/** Drops an absent `reason`, which exactOptionalPropertyTypes keeps apart from `undefined`. */
function withReason<T extends object>(change: T, text: string | undefined): T {
  return text === undefined ? change : { ...change, reason: text };
}

/**
 * Lifecycle routes, mounted under /api, admin only:
 * - POST /registry/licences/:number/{suspend,revoke,cancel,restore,replace} `{reason?}`
 * - POST /registry/licences/:number/points `{points, reason?}`
 * - POST /registry/licences/:number/renew `{validFrom, validTo, reason?}`
 *
 * Each answers 200 `{licence, version}`; 404 `ERR_NOT_FOUND` for an unknown licence; 409
 * `ERR_ILLEGAL_TRANSITION` when the transition table does not allow it; 422
 * `ERR_LICENCE_INVALID` when the changed record is not valid; 422 `ERR_VALIDATION` for a body
 * of the wrong shape.
 * - GET /audit?subject=…[&afterId=N][&limit=N] → `{entries: [...]}`, oldest first.
 */
export function lifecycleRoutes(deps: ServiceDeps): Router {
  const router = Router();
  const admin = requireRole('admin');

  /** A handler that makes the change `build` reads from the request. */
  const change =
    (build: (req: Request) => LicenceChange): RequestHandler =>
    (req, res, next) => {
      Promise.resolve()
        .then(() =>
          changeLicence(deps, licenceNumberOf(req), build(req), `staff:${authOf(req).subjectId}`),
        )
        .then((changed) => res.json({ licence: changed.licence, version: changed.version }))
        .catch(next);
    };

  for (const action of ['suspend', 'revoke', 'cancel', 'restore', 'replace'] as const) {
    router.post(
      `/registry/licences/:number/${action}`,
      admin,
      readJsonBody,
      change((req) => withReason({ action }, read(plainBody, req.body).reason)),
    );
  }
  router.post(
    '/registry/licences/:number/points',
    admin,
    readJsonBody,
    change((req) => {
      const body = read(pointsBody, req.body);
      return withReason({ action: 'points', points: body.points }, body.reason);
    }),
  );
  router.post(
    '/registry/licences/:number/renew',
    admin,
    readJsonBody,
    change((req) => {
      const body = read(renewBody, req.body);
      return withReason(
        { action: 'renew', validFrom: body.validFrom, validTo: body.validTo },
        body.reason,
      );
    }),
  );

  router.get('/audit', admin, (req, res, next) => {
    Promise.resolve()
      .then(() => {
        const q = read(auditQuery, req.query);
        return listAudit(deps, {
          subject: q.subject,
          ...(q.afterId === undefined ? {} : { afterId: q.afterId }),
          ...(q.limit === undefined ? {} : { limit: q.limit }),
        });
      })
      .then((entries) => res.json({ entries }))
      .catch(next);
  });
  return router;
}
