import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import type { RateLimits } from '../http/rate-limiter.js';
import { route } from '../http/route-spec.js';
import { noStoreJson } from '../http/schemas.js';
import { limitByStaff } from '../http/staff-rate-limit.js';
import { validationError } from '../http/validation.js';
import { auditSearchReply } from './replies.js';
import { AUDIT_SEARCH_MAX, searchAudit } from './search-audit.js';

/** Audit searches one member of staff may make a minute. */
export const AUDIT_SEARCHES_PER_MINUTE = 30;
/** Entries a search answers unless `limit` says otherwise. */
const AUDIT_SEARCH_DEFAULT = 50;
const DAY = 86_400;

/** The query of GET /api/audit/search. */
const searchQuery = z.strictObject({
  from: z.iso.date(),
  to: z.iso.date(),
  actor: z
    .string()
    .regex(/^[a-z][a-z-]*(:\d{1,15})?$/)
    .max(64)
    .optional(),
  action: z
    .string()
    .regex(/^[a-z][a-z_.-]*$/)
    .max(64)
    .optional(),
  beforeId: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_SEARCH_MAX).optional(),
});
/** What each parameter must be. */
const SEARCH_EXPECTED = {
  from: 'the first day, YYYY-MM-DD in China time',
  to: 'the last day, YYYY-MM-DD in China time, not before from',
  actor: 'who acted, as recorded: staff:<id>, driver:<id>, verifier-device:<id>, system or cli',
  action: 'an action as recorded, e.g. licence.suspend',
  beforeId: 'the id of the last entry received (a positive integer)',
  limit: `an integer 1–${AUDIT_SEARCH_MAX}`,
};

/** The routes of the audit log beyond one subject's trail (that one is GET /api/audit). */
export const AUDIT_SPECS = {
  search: route({
    method: 'get',
    path: '/api/audit/search',
    roles: ['admin'],
    operationId: 'searchAudit',
    tag: 'lifecycle',
    summary: 'The audit entries of a date range, of one actor or action, newest first',
    description: `Days in China time, \`from\` to \`to\` inclusive. Page on with \`beforeId\`, the id of the last entry received. A licence number as subject is masked (\`440106********2429\`), and each state is cut down to what a list may show; a licence's whole trail is GET /api/audit?subject=. At most ${AUDIT_SEARCHES_PER_MINUTE} searches a minute per member of staff.`,
    query: { schema: searchQuery, expected: SEARCH_EXPECTED },
    replies: {
      200: noStoreJson('The entries.', auditSearchReply),
    },
    errors: { 422: ['ERR_VALIDATION'], 429: ['ERR_RATE_LIMITED'] },
  }),
};

/** Seconds since the epoch at the start of `date` (YYYY-MM-DD) in China. */
const chinaDayStart = (date: string): number => Date.parse(`${date}T00:00:00+08:00`) / 1000;

/** The audit search (admin), mounted under /api, limited per member of staff. */
export function auditRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  const limit = limitByStaff(
    deps,
    rateLimits,
    'audit-search',
    AUDIT_SEARCHES_PER_MINUTE,
    'audit searches',
  );
  return mount(Router(), '/api', [
    handle(
      AUDIT_SPECS.search,
      async (_req, res, { query }) => {
        if (query.to < query.from)
          throw validationError([
            { field: 'to', expected: SEARCH_EXPECTED.to, found: 'a day before from' },
          ]);
        const found = await searchAudit(deps, {
          from: chinaDayStart(query.from),
          to: chinaDayStart(query.to) + DAY,
          ...(query.actor === undefined ? {} : { actor: query.actor }),
          ...(query.action === undefined ? {} : { action: query.action }),
          ...(query.beforeId === undefined ? {} : { beforeId: query.beforeId }),
          limit: query.limit ?? AUDIT_SEARCH_DEFAULT,
        });
        noStore(res).json(found);
      },
      [limit],
    ),
  ]);
}
