/*
 * What the accounts routes (routes.ts, binding-routes.ts) answer that a web app reads: the reply
 * schemas, free of any Node import, and the types they give.
 */
import { z } from 'zod';
import { seconds } from '../http/schemas.js';

/** The roles a member of staff may have. */
export const STAFF_ROLES = ['reviewer', 'admin'] as const;
/** A member of staff's role. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The role of any account. */
export const ACCOUNT_ROLES = ['driver', 'reviewer', 'admin'] as const;

/** A member of staff's role, in a reply. */
export const staffRole = z.enum(STAFF_ROLES);

/** GET /api/me: the signed-in account. */
export const accountReply = z.union([
  z.object({
    role: z.literal('driver'),
    subject: z.literal('driver'),
    driverId: z.number().int(),
    licenceNumber: z.string().nullable().meta({
      description:
        'Masked: region code and last four characters; null while the account holds no licence.',
    }),
    csrfToken: z.string(),
  }),
  z.object({
    role: staffRole,
    subject: z.literal('staff'),
    staffId: z.number().int(),
    username: z.string(),
    csrfToken: z.string(),
  }),
]);
export type AccountReply = z.output<typeof accountReply>;

/** POST /api/session. */
export const signInReply = z.object({ role: z.enum(ACCOUNT_ROLES), csrfToken: z.string() });
export type SignInReply = z.output<typeof signInReply>;

/** GET /api/me/binding. */
export const bindingStateReply = z.object({
  state: z.enum(['none', 'code_sent', 'code_passed', 'bound']),
  checkBy: seconds('Until when the entered code allows the real-person check.').optional(),
});
export type BindingStateReply = z.output<typeof bindingStateReply>;

/** POST /api/password-reset/code. */
export const resetCodeReply = z.object({
  token: z.string(),
  checkNeeded: z.boolean(),
  expiresAt: seconds(),
});
export type ResetCodeReply = z.output<typeof resetCodeReply>;

/** GET /api/staff: every account, by id. */
export const staffListReply = z.object({
  staff: z.array(
    z.object({
      id: z.number().int(),
      username: z.string(),
      role: staffRole,
      createdAt: seconds(),
      lockedUntil: seconds('When the lockout ends.').nullable(),
      disabledAt: seconds('When an admin disabled it; null while it may sign in.').nullable(),
    }),
  ),
});
export type StaffListReply = z.output<typeof staffListReply>;

/** POST /api/staff: the account made, with its password shown once. */
export const createdStaffReply = z.object({
  id: z.number().int(),
  username: z.string(),
  role: staffRole,
  password: z.string(),
});
export type CreatedStaffReply = z.output<typeof createdStaffReply>;

/** POST /api/staff/:id/disable, …/enable, …/role: the account after the change. */
export const staffStateReply = z.object({
  id: z.number().int(),
  role: staffRole,
  disabledAt: seconds('When an admin disabled it; null while it may sign in.').nullable(),
});
export type StaffStateReply = z.output<typeof staffStateReply>;

/** POST /api/staff/:id/password: the new password, shown once. */
export const staffPasswordReply = z.object({
  id: z.number().int(),
  username: z.string(),
  password: z.string(),
});
export type StaffPasswordReply = z.output<typeof staffPasswordReply>;
