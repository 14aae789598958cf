import type { Insertable } from 'kysely';
import type { AuditEntry } from '../../audit/audit-log.js';
import type { CredentialTable } from '../../db/schema.js';
import type { StatusSlot } from '../../status/status-lists.js';

/** A credential just signed: what its row and its audit entry are made of. */
export interface NewCredential {
  readonly jti: string;
  readonly licenceNumber: string;
  readonly deviceId: number;
  readonly slot: StatusSlot;
  readonly kid: string;
  /** Seconds since the epoch: its `iat`. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The compact JWS. */
  readonly credential: string;
  /** The holder's copy (FORMAT.md §8.4). */
  readonly holderCopy: string;
  readonly idempotencyKey?: string;
}

/** Its row: live, as every new credential is (credential-states.ts). */
export function credentialRow(c: NewCredential): Insertable<CredentialTable> {
  return {
    jti: c.jti,
    licence_number: c.licenceNumber,
    device_id: c.deviceId,
    list_id: c.slot.listId,
    status_index: c.slot.index,
    kid: c.kid,
    issued_at: c.issuedAt,
    expires_at: c.expiresAt,
    state: 'live',
    idempotency_key: c.idempotencyKey ?? null,
    credential: c.credential,
    holder_copy: c.holderCopy,
  };
}

/**
 * Its audit entry: `credential.issue` (a driver's request, an approval) or `credential.reissue`
 * (a key rotation), naming the credential it replaces and, for an issue, how its slot was found.
 */
export function credentialAudit(
  c: NewCredential,
  how: {
    readonly action: 'credential.issue' | 'credential.reissue';
    readonly actor: string;
    /** The jti of the credential it replaces. */
    readonly replaces?: string;
    readonly mode?: 'new' | 'refresh' | 'supersede';
  },
): AuditEntry {
  return {
    actor: how.actor,
    action: how.action,
    subject: c.licenceNumber,
    ...(how.replaces === undefined ? {} : { before: { jti: how.replaces } }),
    after: {
      jti: c.jti,
      deviceId: c.deviceId,
      listId: c.slot.listId,
      index: c.slot.index,
      kid: c.kid,
      ...(how.mode === undefined ? {} : { mode: how.mode }),
    },
    at: c.issuedAt,
  };
}
