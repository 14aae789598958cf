/*
 * What the lifecycle routes (routes.ts) answer that the console reads: a licence record, the
 * licence after a change, one subject's audit trail. Free of any Node import.
 */
import { z } from 'zod';
import { licenceRecordSchema } from '../../shared/licence/record.js';
import { seconds } from '../http/schemas.js';

/** A licence record (docs/DOMAIN.md §2.1). */
export const licenceRecordReply = licenceRecordSchema.meta({
  id: 'LicenceRecord',
  description:
    'A licence record (docs/DOMAIN.md §2.1). Dates are YYYY-MM-DD in China time; `validTo` may be "long-term".',
});

/** The answer of every lifecycle change. */
export const licenceChangedReply = z.object({
  licence: licenceRecordReply,
  version: z.number().int(),
});
export type LicenceChangedReply = z.output<typeof licenceChangedReply>;

/** GET /api/audit: the entries of one subject. */
export const auditTrailReply = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: seconds(),
      actor: z.string().meta({ description: '`staff:<id>`, `driver:<id>`, `cli` or `system`.' }),
      action: z.string().meta({ description: 'For example `licence.suspend`.' }),
      subject: z.string(),
      before: z.unknown().meta({ description: 'The state before, or null.' }),
      after: z.unknown().meta({ description: 'The state after, or null.' }),
    }),
  ),
});
export type AuditTrailReply = z.output<typeof auditTrailReply>;
