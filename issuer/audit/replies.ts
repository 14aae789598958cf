/*
 * What the audit search (routes.ts) answers, which the console reads. Free of any Node import.
 */
import { z } from 'zod';
import { seconds } from '../http/schemas.js';

const summary = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.number())]))
  .nullable()
  .meta({
    description:
      'What the entry recorded before or after, cut down to what a list may show: statuses, reasons, roles, times, counts (a licence record: its status, points and last valid day). Never a name, an address, a phone or a hash.',
  });

/** GET /api/audit/search. */
export const auditSearchReply = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: seconds(),
      actor: z.string().meta({
        description: '`staff:<id>`, `driver:<id>`, `verifier-device:<id>`, `cli` or `system`.',
      }),
      action: z.string().meta({ description: 'For example `licence.suspend`.' }),
      subject: z.string().meta({ description: 'A licence number masked, or as recorded.' }),
      before: summary,
      after: summary,
    }),
  ),
  more: z.boolean().meta({ description: 'More entries match: ask again with `beforeId`.' }),
});
export type AuditSearchReply = z.output<typeof auditSearchReply>;
