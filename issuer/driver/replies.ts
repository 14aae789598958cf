/*
 * What the driver's routes (routes.ts) answer that the driver's app reads: its licence's status.
 * A schema free of any Node import, and the type it gives.
 */
import { z } from 'zod';
import { LICENCE_STATUS, type LicenceStatusCode } from '../../shared/licence/codes.js';
import { seconds, UNUSABLE_REASONS } from '../http/schemas.js';

const STATUS_CODES = Object.keys(LICENCE_STATUS) as [LicenceStatusCode, ...LicenceStatusCode[]];

/** GET /api/me/licence: the registry's current word on the driver's licence. */
export const licenceReply = z.object({
  status: z.enum(STATUS_CODES),
  label: z.object({ zh: z.string(), en: z.string() }),
  points: z.number().int(),
  usable: z.boolean(),
  reason: z.enum(UNUSABLE_REASONS).nullable(),
  checkedAt: seconds(),
});
export type LicenceReply = z.output<typeof licenceReply>;
