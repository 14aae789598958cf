import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEVICE_TOKEN_BYTES } from '../../shared/request/device-token.js';
import { MAX_ORG_LENGTH, ROLE_NAMES, ROLES, type Role } from '../../shared/request/certificate.js';
import { GROUP_COUNT, type GroupIndex } from '../../shared/sd/groups.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import type { FieldIssue } from '../http/validation.js';

/** The groups `may` names, of `role`'s, when they are all of its groups: kept as null. */
const allOf = (role: Role, may: readonly number[]): boolean =>
  ROLES[role].length === may.length && ROLES[role].every((g) => may.includes(g));

/** The body of POST /api/admin/verifier-devices. */
export const verifierDeviceSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  org: z
    .string()
    .trim()
    .min(1)
    .max(MAX_ORG_LENGTH)
    .optional()
    .meta({ description: 'The organisation a holder reads on its requests.' }),
  role: z
    .enum(ROLE_NAMES)
    .optional()
    .meta({ description: 'What it asks holders for; police when absent.' }),
  may: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(GROUP_COUNT - 1),
    )
    .max(GROUP_COUNT)
    .optional()
    .meta({ description: "Group indices (FORMAT.md §8.2); all of the role's when absent." }),
});
/** What each field of verifierDeviceSchema must be. */
export const VERIFIER_DEVICE_EXPECTED = {
  name: 'a name that tells the device apart (unit, handset number), 1–100 characters',
  org: `the organisation a holder reads on its requests, 1–${MAX_ORG_LENGTH} characters; required unless the role is police (then the authority's configured name when absent)`,
  role: `one of ${ROLE_NAMES.join(', ')}; police when absent`,
  may: `the group indices it may ask for, each once, a non-empty subset of its role's (${ROLE_NAMES.map((r) => `${r}: ${ROLES[r].join(',')}`).join('; ')}); all of the role's when absent`,
};

/**
 * What the body's fields cannot say alone: an organisation for a role other than police, and
 * `may` a non-empty subset of the role's groups, each once.
 * @returns each field that is wrong, none when all are right.
 */
export function certificationIssues(body: {
  readonly org?: string | undefined;
  readonly role?: Role | undefined;
  readonly may?: readonly number[] | undefined;
}): FieldIssue[] {
  const role = body.role ?? 'police';
  const issues: FieldIssue[] = [];
  if (body.org === undefined && role !== 'police')
    issues.push({ field: 'org', expected: VERIFIER_DEVICE_EXPECTED.org, found: 'nothing' });
  if (body.may !== undefined) {
    const allowed: readonly number[] = ROLES[role];
    const sorted = [...body.may].sort((a, b) => a - b);
    const beyond = sorted.filter((g) => !allowed.includes(g));
    const repeated = sorted.filter((g, i) => i > 0 && g === sorted[i - 1]);
    if (sorted.length === 0 || beyond.length > 0 || repeated.length > 0)
      issues.push({
        field: 'may',
        expected: `a non-empty subset of role ${role}'s groups ${allowed.join(',')}, each once`,
        found:
          sorted.length === 0
            ? 'an empty list'
            : beyond.length > 0
              ? `${beyond.join(',')} beyond the role`
              : `${repeated.join(',')} more than once`,
      });
  }
  return issues;
}

/** SHA-256 (base64url) of a device token: what the table keeps and what a lookup compares. */
export function verifierTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A device's certification as stored: role, and `may` as its column keeps it. */
export function mayOf(role: Role, may: string | null): GroupIndex[] {
  if (may === null) return [...ROLES[role]];
  return may.split(',').map(Number) as GroupIndex[];
}

/** What an admin registers. */
export interface RegisterVerifierDeviceInput {
  readonly name: string;
  /** Absent: a police device of the authority's configured name (VERIFIER_POLICE_ORG). */
  readonly org?: string | undefined;
  readonly role?: Role | undefined;
  /** Absent: all of the role's groups. */
  readonly may?: readonly number[] | undefined;
  readonly staffId: number;
}

/**
 * Registers a verifier device: a random bearer token, of which the service keeps only the
 * SHA-256, and what its certificates will say (organisation, role, the groups it may ask for).
 * The token is in this answer and nowhere else; a lost token means a new registration (and
 * revoking the old one). Audited without the token.
 * @returns the device id, its name, what it is certified for, and the token to install on it.
 */
export async function registerVerifierDevice(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'config'>,
  input: RegisterVerifierDeviceInput,
): Promise<{
  id: number;
  name: string;
  org: string;
  role: Role;
  may: GroupIndex[];
  token: string;
}> {
  const token = randomBytes(DEVICE_TOKEN_BYTES).toString('base64url');
  const now = deps.now();
  const role = input.role ?? 'police';
  const may =
    input.may === undefined || allOf(role, input.may)
      ? null
      : [...input.may].sort((a, b) => a - b).join(',');
  const org = input.org ?? null;
  return deps.db.kysely.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('verifier_devices')
      .values({
        name: input.name,
        token_hash: verifierTokenHash(token),
        created_by: input.staffId,
        created_at: now,
        revoked_at: null,
        org,
        role,
        may,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const certified = { org: org ?? deps.config.verifierPoliceOrg, role, may: mayOf(role, may) };
    await audit(trx, {
      actor: `staff:${input.staffId}`,
      action: 'verifier-device.register',
      subject: `verifier-device:${id}`,
      after: { name: input.name, ...certified },
      at: now,
    });
    return { id, name: input.name, ...certified, token };
  });
}
