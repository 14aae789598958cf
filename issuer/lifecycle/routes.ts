import { Router, type Request } from 'express';
import { z } from 'zod';
import { POINTS_LIMIT } from '../../shared/licence/codes.js';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore, type Route } from '../http/mount.js';
import { route, type RouteSpec } from '../http/route-spec.js';
import { json, licenceNumberParams, noStoreJson } from '../http/schemas.js';
import { authOf } from '../http/session.js';
import { changeLicence } from './change-licence.js';
import { auditTrailReply, licenceChangedReply } from './replies.js';
import { AUDIT_PAGE_MAX, listAudit } from './list-audit.js';
import { TRANSITIONS, type LicenceAction, type LicenceChange } from './transitions.js';

const reason = z.string().min(1).max(200).optional();
/** The body of suspend, revoke, cancel, restore and replace. */
export const plainBody = z.strictObject({ reason });
/** The body of …/points. */
export const pointsBody = z.strictObject({
  // Out of range, the changed record is refused (422 ERR_LICENCE_INVALID), as every record is.
  points: z.number().meta({ minimum: 0, maximum: POINTS_LIMIT }),
  reason,
});
/** The body of …/renew. */
export const renewBody = z.strictObject({ validFrom: z.string(), validTo: z.string(), reason });
const auditQuery = z.strictObject({
  subject: z
    .string()
    .min(1)
    .max(64)
    .meta({ description: 'A licence number, `staff:<id>`, `driver:<id>`, …' }),
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

const SUMMARIES: Readonly<Record<LicenceAction, string>> = {
  suspend: 'Suspend (暂扣) a licence',
  revoke: 'Revoke (吊销) a licence',
  cancel: 'Cancel (注销) a licence',
  restore: 'Restore a suspended licence',
  replace: 'Replace (补证) the paper licence; the e-licence is superseded',
  points: 'Set the points of the scoring cycle',
  renew: 'Renew (换证) a licence for a new validity period; the e-licence is superseded',
};

function changeSpec(action: LicenceAction, schema: z.ZodType, required: boolean): RouteSpec {
  return route({
    method: 'post',
    path: `/api/registry/licences/:number/${action}`,
    roles: ['admin'],
    operationId: `${action}Licence`,
    tag: 'lifecycle',
    summary: SUMMARIES[action],
    description: `Allowed from status ${TRANSITIONS[action].from.join(' ')}. Moves the status list entries of the licence's e-licences and is audited.`,
    params: licenceNumberParams,
    body: { kind: 'json', schema, expected: LIFECYCLE_EXPECTED, required },
    replies: { 200: json('The licence after the change.', licenceChangedReply) },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_ILLEGAL_TRANSITION'],
      422: ['ERR_VALIDATION', 'ERR_LICENCE_INVALID'],
    },
  });
}

const PLAIN_ACTIONS = ['suspend', 'revoke', 'cancel', 'restore', 'replace'] as const;

/** The routes of licence lifecycle changes and the audit log (admin). */
export const LIFECYCLE_SPECS = {
  ...Object.fromEntries(
    PLAIN_ACTIONS.map((action) => [action, changeSpec(action, plainBody, false)]),
  ),
  points: changeSpec('points', pointsBody, true),
  renew: changeSpec('renew', renewBody, true),
  audit: route({
    method: 'get',
    path: '/api/audit',
    roles: ['admin'],
    operationId: 'listAudit',
    tag: 'lifecycle',
    summary: 'The audit entries of one subject, oldest first',
    description:
      'Page on with `afterId`, the id of the last entry received. Unknown parameters are refused.',
    query: { schema: auditQuery, expected: LIFECYCLE_EXPECTED },
    replies: { 200: noStoreJson('The entries.', auditTrailReply) },
    errors: { 422: ['ERR_VALIDATION'] },
  }),
} as unknown as Readonly<Record<LicenceAction | 'audit', RouteSpec>>;

/** Drops an absent `reason`, which exactOptionalPropertyTypes keeps apart from `undefined`. */
function withReason<T extends object>(change: T, text: string | undefined): T {
  return text === undefined ? change : { ...change, reason: text };
}

/**
 * Lifecycle routes, mounted under /api, admin only ({@link LIFECYCLE_SPECS}): each change
 * answers `{licence, version}`; the audit log pages with `afterId`.
 */
export function lifecycleRoutes(deps: ServiceDeps): Router {
  const S = LIFECYCLE_SPECS;
  /** The route of one change, made from its checked body. */
  const change = (action: LicenceAction, build: (body: unknown) => LicenceChange): Route =>
    handle(S[action], async (req: Request, res, { params, body }) => {
      const { number } = params as { number: string };
      const changed = await changeLicence(
        deps,
        number,
        build(body),
        `staff:${authOf(req).subjectId}`,
      );
      res.json({ licence: changed.licence, version: changed.version });
    });
  return mount(Router(), '/api', [
    ...PLAIN_ACTIONS.map((action) =>
      change(action, (body) => withReason({ action }, (body as z.output<typeof plainBody>).reason)),
    ),
    change('points', (body) => {
      const { points, reason: text } = body as z.output<typeof pointsBody>;
      return withReason({ action: 'points', points }, text);
    }),
    change('renew', (body) => {
      const { validFrom, validTo, reason: text } = body as z.output<typeof renewBody>;
      return withReason({ action: 'renew', validFrom, validTo }, text);
    }),
    handle(S.audit, async (_req, res, { query }) => {
      const q = query as z.output<typeof auditQuery>;
      const entries = await listAudit(deps, {
        subject: q.subject,
        ...(q.afterId === undefined ? {} : { afterId: q.afterId }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
      });
      noStore(res).json({ entries });
    }),
  ]);
}
