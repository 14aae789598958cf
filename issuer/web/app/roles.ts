/** Who asks, in words: the message key of each role a verifier's certificate may name. */
import type { Role } from '../../../shared/request/certificate.js';

/** The message key of each role. */
export const ROLE_MESSAGE: Readonly<Record<Role, `role_${Role}`>> = {
  police: 'role_police',
  rental: 'role_rental',
  insurance: 'role_insurance',
  employer: 'role_employer',
  age: 'role_age',
};
