/*
 * What the registry routes (routes.ts) answer that the console reads: one licence with its
 * e-licences, licences found by number, the driver account of a licence. Free of any Node import.
 */
import { z } from 'zod';
import { CREDENTIAL_STATES, seconds } from '../http/schemas.js';
import { licenceRecordReply } from '../lifecycle/replies.js';

/** GET /api/registry/licences/:number. */
export const licenceReply = z.object({
  licence: licenceRecordReply,
  version: z.number().int(),
  updatedAt: seconds(),
  credentials: z
    .array(
      z.object({
        jti: z.string(),
        state: z.enum(CREDENTIAL_STATES),
        listId: z.number().int(),
        index: z.number().int(),
        expiresAt: seconds(),
      }),
    )
    .meta({ description: 'Every credential issued for the licence, oldest first.' }),
});
export type LicenceReply = z.output<typeof licenceReply>;

/** GET /api/registry/licences. */
export const licenceSearchReply = z.object({
  licences: z.array(
    z.object({
      licenceNumber: z.string(),
      status: licenceRecordReply.shape.status,
      issuingAuthority: z.string(),
      validTo: z.string().meta({ description: 'YYYY-MM-DD, or "long-term".' }),
    }),
  ),
  more: z.boolean().meta({ description: 'More match: ask again with `after`.' }),
});
export type LicenceSearchReply = z.output<typeof licenceSearchReply>;

/** GET /api/registry/licences/:number/account. */
export const licenceAccountReply = z.object({
  account: z
    .object({
      createdAt: seconds(),
      boundAt: seconds('When it bound the licence.').nullable(),
      lockedUntil: seconds('When the sign-in lock ends; null when none holds.').nullable(),
    })
    .nullable(),
});
export type LicenceAccountReply = z.output<typeof licenceAccountReply>;

/** POST /api/registry/import. */
export const importReply = z.object({
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});
export type ImportReply = z.output<typeof importReply>;
