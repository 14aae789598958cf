import { randomBytes } from 'node:crypto';

const run = randomBytes(4).toString('hex');
let serial = 0;

/**
 * A staff sign-in under a username no account has, new at each call. Tests of the per-address
 * limits count attempts; failures under one name would lock that name (5 in a row) first.
 */
export function failingSignIn(): { kind: 'staff'; username: string; password: string } {
  serial += 1;
  return { kind: 'staff', username: `nobody.${run}.${serial}`, password: 'wrong horse battery' };
}
