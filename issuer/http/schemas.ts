/*
 * Schemas many routes' specs share: times, ids, licence numbers, images, cache headers. Free of
 * any Node import: the feature modules of reply schemas (issuer/<feature>/replies.ts) build on it,
 * and the web apps type-check against those.
 */
import { z } from 'zod';
import type { UnusableReason } from '../../shared/usability.js';
import type { ApplicationPath, ApplicationState, CredentialTable } from '../db/schema.js';

/** The form of a licence number in a path (the ID number: 17 digits and a check character). */
export const LICENCE_NUMBER_PATTERN = /^\d{17}[\dX]$/;

/** Seconds since the epoch. */
export const seconds = (description = 'Seconds since the epoch.') =>
  z.number().int().meta({ description });

/** The `Cache-Control: no-store` of a reply no cache may keep. */
export const NO_STORE_HEADERS = z.object({
  'Cache-Control': z.literal('no-store').meta({ description: 'Never cached.' }),
});

/** A reply no cache may keep (personal data, an answer for this client only), as JSON. */
export const noStoreJson = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': schema },
  headers: NO_STORE_HEADERS,
});

/** A reply as JSON. */
export const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': schema },
});

/** A body that is an image of the given type. */
export const image = (type: string) =>
  z.string().meta({ contentMediaType: type, description: `The ${type} bytes.` });

/** The path parameter `number`: a licence number (GB 11643); anything else is 404. */
export const licenceNumberParams = {
  schema: z.object({
    number: z
      .string()
      .regex(LICENCE_NUMBER_PATTERN)
      .meta({ description: 'The licence number (GB 11643 citizen ID number).' }),
  }),
  notFound: 'licence',
} as const;

/** A numeric id in the path, a positive integer of at most `digits` digits, as a number. */
export const idSchema = (digits: number, description?: string) =>
  z.object({
    id: z
      .string()
      .regex(new RegExp(`^[1-9]\\d{0,${digits - 1}}$`))
      .transform(Number)
      .meta(description === undefined ? {} : { description }),
  });

/** The body of an action that takes none: `{}` or no body, read as JSON all the same. */
export const noBody = {
  kind: 'json',
  schema: z.unknown().meta({ description: 'Not used; `{}` or no body.' }),
  expected: {},
  required: false,
} as const;

/** Every value of a union of strings, checked complete: a value missing here does not compile. */
const every =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)) =>
    list;

/** Why a licence may not be used (shared/usability.ts). */
export const UNUSABLE_REASONS = every<UnusableReason>()([
  'expired',
  'not-yet-valid',
  'suspended',
  'revoked',
  'cancelled',
  'points-exceeded',
  'renewal-overdue',
  'not-normal',
]);

/** The states of an e-licence as issued. */
export const CREDENTIAL_STATES = every<CredentialTable['state']>()([
  'live',
  'refreshed',
  'superseded',
  'revoked',
]);

/** The photo paths of an application. */
export const APPLICATION_PATHS = every<ApplicationPath>()(['stored', 'camera', 'album']);

/** The states of an application (docs/DOMAIN.md §1). */
export const APPLICATION_STATES = every<ApplicationState>()([
  'draft',
  'identity_pending',
  'identity_failed',
  'submitted',
  'approved',
  'rejected',
  'issued',
  'abandoned',
]);

/** A review deadline counted past the working calendar. */
export const deadlineProvisional = z.boolean().meta({
  description:
    "The deadline lies beyond the service's working calendar: counted Monday to Friday because the State Council has not published (or the operator has not loaded) that year's holiday arrangement; the console shows it as 暂定（节假日安排未公布）. Counted again at the service's next start once the arrangement is loaded.",
});

/** What a reviewer sees of any application: whose (masked) and when its review is due. */
export const reviewedApplicationFields = {
  licenceNumber: z
    .string()
    .meta({ description: 'Masked: the first 6 and last 4 characters only.' }),
  submittedAt: seconds().nullable(),
  deadline: seconds().nullable(),
  deadlineProvisional,
  overdue: z.boolean(),
};
