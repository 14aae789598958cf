/*
 * What the admin's screens ask the service, in one place: the same routes and authorisation as
 * any other client of the API (their answers described by the replies modules beside each
 * route). A call that fails rejects with an ApiError carrying the service's code.
 */
import type {
  CreatedStaffReply,
  StaffListReply,
  StaffPasswordReply,
  StaffStateReply,
  StaffRole,
} from '../../accounts/replies.js';
import type { AuditSearchReply } from '../../audit/replies.js';
import type { KeysReply } from '../../keys/replies.js';
import type { AuditTrailReply, LicenceChangedReply } from '../../lifecycle/replies.js';
import type {
  ImportReply,
  LicenceAccountReply,
  LicenceReply,
  LicenceSearchReply,
} from '../../registry/replies.js';
import type {
  RegisteredVerifierDeviceReply,
  VerifierDevicesReply,
} from '../../verifier-devices/replies.js';
import type { Role } from '../../../shared/request/roles.js';
import { api } from '../common/api.js';

const query = (values: Readonly<Record<string, string | number | undefined>>): string =>
  new URLSearchParams(
    Object.entries(values).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  ).toString();

/** Licences by a prefix of the number, the whole number, or the masked form. */
export const searchLicences = (number: string, after?: string): Promise<LicenceSearchReply> =>
  api('GET', `/api/registry/licences?${query({ number, after })}`);

export const licence = (number: string): Promise<LicenceReply> =>
  api('GET', `/api/registry/licences/${number}`);

export const licenceAccount = (number: string): Promise<LicenceAccountReply> =>
  api('GET', `/api/registry/licences/${number}/account`);

/** The licence's whole audit trail (a subject's, oldest first). */
export const licenceTrail = (number: string): Promise<AuditTrailReply> =>
  api('GET', `/api/audit?${query({ subject: number })}`);

/** The status changes an admin makes by hand from the console. */
export type StatusChange = 'suspend' | 'restore' | 'revoke';

export const changeLicence = (
  number: string,
  action: StatusChange,
  reason: string,
): Promise<LicenceChangedReply> =>
  api('POST', `/api/registry/licences/${number}/${action}`, { json: { reason } });

export const unlockDriver = (number: string): Promise<void> =>
  api('POST', `/api/registry/licences/${number}/account/unlock`, { json: {} });

export const staffList = (): Promise<StaffListReply> => api('GET', '/api/staff');

export const createStaff = (username: string, role: StaffRole): Promise<CreatedStaffReply> =>
  api('POST', '/api/staff', { json: { username, role } });

export const unlockStaff = (id: number): Promise<void> =>
  api('POST', `/api/staff/${id}/unlock`, { json: {} });

export const disableStaff = (id: number): Promise<StaffStateReply> =>
  api('POST', `/api/staff/${id}/disable`, { json: {} });

export const enableStaff = (id: number): Promise<StaffStateReply> =>
  api('POST', `/api/staff/${id}/enable`, { json: {} });

export const setStaffRole = (id: number, role: StaffRole): Promise<StaffStateReply> =>
  api('POST', `/api/staff/${id}/role`, { json: { role } });

export const resetStaffPassword = (id: number): Promise<StaffPasswordReply> =>
  api('POST', `/api/staff/${id}/password`, { json: {} });

export const verifierDevices = (): Promise<VerifierDevicesReply> =>
  api('GET', '/api/admin/verifier-devices');

/** A verifier device to register: `org` absent for a police device of the authority. */
export interface NewVerifierDevice {
  readonly name: string;
  readonly role: Role;
  readonly org?: string;
  readonly may: readonly number[];
}

export const registerVerifierDevice = (
  device: NewVerifierDevice,
): Promise<RegisteredVerifierDeviceReply> =>
  api('POST', '/api/admin/verifier-devices', { json: device });

export const revokeVerifierDevice = (id: number): Promise<{ id: number; revokedAt: number }> =>
  api('POST', `/api/admin/verifier-devices/${id}/revoke`, { json: {} });

/** A registry file as the import reads it: CSV or JSON, by its type. */
export const importRegistry = (
  file: Blob,
  type: 'text/csv' | 'application/json',
): Promise<ImportReply> =>
  api('POST', '/api/registry/import', { bytes: file, type: `${type}; charset=utf-8` });

export const signingKeys = (): Promise<KeysReply> => api('GET', '/api/admin/keys');

/** What the audit log is searched by: China days, inclusive; an actor and an action as recorded. */
export interface AuditFilter {
  readonly from: string;
  readonly to: string;
  readonly actor?: string;
  readonly action?: string;
}

export const searchAudit = (filter: AuditFilter, beforeId?: number): Promise<AuditSearchReply> =>
  api('GET', `/api/audit/search?${query({ ...filter, beforeId })}`);
