/*
 * What the application routes (routes.ts) answer that a web app reads: the driver's application,
 * the paths offered, the inbox, and the reviewers' queue. Schemas free of any Node import, and the
 * types they give.
 */
import { z } from 'zod';
import {
  APPLICATION_PATHS,
  APPLICATION_STATES,
  deadlineProvisional,
  reviewedApplicationFields,
  seconds,
  UNUSABLE_REASONS,
} from '../http/schemas.js';

/** GET /api/me/application. */
export const applicationReply = z.object({
  id: z.number().int(),
  path: z.enum(APPLICATION_PATHS),
  state: z.enum(APPLICATION_STATES),
  submittedAt: seconds().nullable(),
  deadline: seconds('When the review is due: one working day after submission.').nullable(),
  deadlineProvisional,
  decidedAt: seconds().nullable(),
  reason: z.string().meta({ description: 'Why the photo was rejected.' }).nullable(),
});
export type ApplicationReply = z.output<typeof applicationReply>;

/** GET /api/me/application/paths. */
export const pathsReply = z.object({
  paths: z.array(z.enum(APPLICATION_PATHS)),
  photoChange: z.boolean(),
  notBefore: seconds().nullable(),
  refusal: z
    .object({
      reason: z.enum(UNUSABLE_REASONS),
      message: z.string(),
      authority: z.string().meta({
        description:
          "The licence's issuing authority (发证机关), where the driver can have the status seen to.",
      }),
    })
    .optional(),
});
export type PathsReply = z.output<typeof pathsReply>;

/** One notice of GET /api/me/inbox. */
export const inboxEntryReply = z.object({
  id: z.number().int(),
  at: seconds(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  readAt: seconds().nullable(),
});
export type InboxEntryReply = z.output<typeof inboxEntryReply>;
/** GET /api/me/inbox. */
export const inboxReply = z.object({ entries: z.array(inboxEntryReply) });
export type InboxReply = z.output<typeof inboxReply>;

/** One application of GET /api/review/queue. */
export const queueEntryReply = z.object({
  id: z.number().int(),
  path: z.enum(['camera', 'album']),
  ...reviewedApplicationFields,
});
export type QueueEntryReply = z.output<typeof queueEntryReply>;
/** How many applications the queue lists: the most urgent. */
export const QUEUE_LISTED = 200;
/** GET /api/review/queue. */
export const reviewQueueReply = z.object({
  applications: z
    .array(queueEntryReply)
    .meta({ description: `The ${QUEUE_LISTED} most urgent, the earliest deadline first.` }),
  waiting: z.number().int().meta({ description: 'Submitted applications in all.' }),
  overdue: z.number().int().meta({ description: 'Of those, the ones past their deadline.' }),
});
export type ReviewQueueReply = z.output<typeof reviewQueueReply>;
