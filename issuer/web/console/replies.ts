/*
 * What the console asks the service and the shape of each answer, in one place: the reviewers'
 * routes (issuer/application) and the session.
 */
import { api } from '../common/api.js';

/** Who is signed in (GET /api/me, POST /api/session). */
export interface Me {
  readonly role: string;
}

/** One application of the queue (GET /api/review/queue); times in seconds since the epoch. */
export interface QueueEntry {
  readonly id: number;
  readonly path: 'camera' | 'album';
  readonly licenceNumber: string;
  readonly submittedAt: number | null;
  readonly deadline: number | null;
  /** The deadline was counted past the service's working calendar (Monday to Friday). */
  readonly deadlineProvisional: boolean;
  readonly overdue: boolean;
}

/** One application in full (GET /api/review/applications/:id). */
export interface Detail extends Omit<QueueEntry, 'path'> {
  readonly path: 'stored' | 'camera' | 'album';
  readonly state: string;
  readonly reason: string | null;
  readonly hasPhoto: boolean;
  readonly precheck: { width: number; height: number; takenAt: number | null } | null;
  readonly audit: readonly AuditEntry[];
}

/** A line of an application's audit trail. */
export interface AuditEntry {
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** Whether this account may review. */
export const isStaff = (me: Me): boolean => me.role === 'reviewer' || me.role === 'admin';

export const whoAmI = (): Promise<Me> => api<Me>('GET', '/api/me');

export const signIn = (username: string, password: string): Promise<Me> =>
  api<Me>('POST', '/api/session', { json: { kind: 'staff', username, password } });

export const signOut = (): Promise<void> => api('DELETE', '/api/session');

export const reviewQueue = (): Promise<{ applications: QueueEntry[] }> =>
  api('GET', '/api/review/queue');

export const application = (id: number): Promise<Detail> =>
  api('GET', `/api/review/applications/${id}`);

export const applicationPhoto = (id: number): Promise<Blob> =>
  api('GET', `/api/review/applications/${id}/photo`);

export const approve = (id: number): Promise<unknown> =>
  api('POST', `/api/review/applications/${id}/approve`, { json: {} });

export const reject = (id: number, reason: string): Promise<unknown> =>
  api('POST', `/api/review/applications/${id}/reject`, { json: { reason } });
