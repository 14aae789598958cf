/*
 * What the reviewers' routes answer (GET /api/review/queue, GET /api/review/applications/:id):
 * the reply schemas, free of any Node import, and the types they give: the service builds them
 * and the console (issuer/web/console) reads them. Times are seconds since the epoch.
 */
import { z } from 'zod';
import { reviewQueueReply } from '../application/replies.js';
import {
  APPLICATION_PATHS,
  APPLICATION_STATES,
  reviewedApplicationFields,
  seconds,
} from '../http/schemas.js';

/**
 * The applications waiting for review, as a reviewer's list shows them (each licence number
 * masked: the first 6 and the last 4 characters only), and how many wait in all.
 */
export type ReviewQueue = z.output<typeof reviewQueueReply>;

/** The automatic pre-check's report on a submitted photo; `takenAt` from its EXIF, or null. */
const precheckReply = z.object({
  width: z.number().int(),
  height: z.number().int(),
  takenAt: seconds().nullable(),
});
export type PrecheckReport = z.output<typeof precheckReply>;

/** One entry of an application's audit trail. */
const auditEntryReply = z.object({
  at: seconds(),
  actor: z.string().meta({ description: 'driver:<id>, staff:<id> or system.' }),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntryView = z.output<typeof auditEntryReply>;

/**
 * GET /api/review/applications/:id: one application as a reviewer examines it. `hasPhoto`: there
 * is a photo to fetch (GET /api/review/applications/:id/photo). `applicant` is who applies, from
 * the registry, for comparing faces (never the full ID number): `age` in whole years at the time
 * of the answer, China time; `boundAt` null when the account no longer holds the licence;
 * `bindingCheck` null for accounts bound before checks existed. `earlierRejections`: every
 * rejection of this licence's applications (this one's too), newest first.
 */
export const applicationDetailReply = z.object({
  id: z.number().int(),
  path: z.enum(APPLICATION_PATHS),
  state: z.enum(APPLICATION_STATES),
  ...reviewedApplicationFields,
  decidedAt: seconds().nullable(),
  reviewerId: z.number().int().nullable(),
  reason: z.string().nullable(),
  hasPhoto: z.boolean(),
  precheck: precheckReply.nullable(),
  audit: z
    .array(auditEntryReply)
    .meta({ description: 'Audit entries of subject `application:<id>`, oldest first.' }),
  applicant: z.object({
    name: z.string(),
    sex: z.enum(['M', 'F']).meta({ description: "The registry record's sex: M or F." }),
    age: z.number().int(),
    boundAt: seconds().nullable(),
    bindingCheck: z.object({ score: z.number(), at: seconds() }).nullable(),
  }),
  earlierRejections: z.array(
    z.object({
      id: z.number().int(),
      decidedAt: seconds().nullable(),
      reason: z.string().nullable(),
    }),
  ),
});
/** An application as the service builds it and the console reads it. */
export type ApplicationDetail = z.output<typeof applicationDetailReply>;
