/**
 * The roles a verifier device is certified for and what each may ask a holder for: the data a
 * certificate (certificate.ts) carries and the admin console offers, apart from the certificate
 * code so that a page reads it without the decoder.
 */
import type { GroupIndex } from '../sd/groups.js';

/** Characters of an organisation's name. */
export const MAX_ORG_LENGTH = 40;

/** The roles a verifier acts in, and the most each may ask a holder for (group indices). */
export const ROLES = {
  police: [0, 1, 2, 3, 4, 5],
  rental: [0, 1],
  insurance: [0, 1],
  employer: [0, 1],
  age: [4, 5],
} as const satisfies Record<string, readonly GroupIndex[]>;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as [Role, ...Role[]];
