/*
 * What the console asks the service, in one place: the reviewers' routes (issuer/application,
 * issuer/review, whose answers issuer/review/review-replies.ts describes) and the session.
 */
import type { AccountReply, SignInReply } from '../../accounts/replies.js';
import type { ApplicationDetail, ReviewQueue } from '../../review/review-replies.js';
import { api } from '../common/api.js';

/** Who is signed in (GET /api/me; POST /api/session says the role only). */
export type Me = AccountReply | Pick<SignInReply, 'role'>;

/** Whether this account may review. */
export const isStaff = (me: Me): boolean => me.role === 'reviewer' || me.role === 'admin';

export const whoAmI = (): Promise<Me> => api<Me>('GET', '/api/me');

export const signIn = (username: string, password: string): Promise<Me> =>
  api<Me>('POST', '/api/session', { json: { kind: 'staff', username, password } });

export const signOut = (): Promise<void> => api('DELETE', '/api/session');

export const reviewQueue = (): Promise<ReviewQueue> => api('GET', '/api/review/queue');

export const application = (id: number): Promise<ApplicationDetail> =>
  api('GET', `/api/review/applications/${id}`);

export const applicationPhoto = (id: number): Promise<Blob> =>
  api('GET', `/api/review/applications/${id}/photo`);

/** The identity photo of the source, fetched for this look only (audited by the service). */
export const referencePhoto = (id: number): Promise<Blob> =>
  api('GET', `/api/review/applications/${id}/reference-photo`);

export const approve = (id: number): Promise<unknown> =>
  api('POST', `/api/review/applications/${id}/approve`, { json: {} });

export const reject = (id: number, reason: string): Promise<unknown> =>
  api('POST', `/api/review/applications/${id}/reject`, { json: { reason } });
