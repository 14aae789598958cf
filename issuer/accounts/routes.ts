import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import { takeOrRefuse, type RateLimits } from '../http/rate-limiter.js';
import { route } from '../http/route-spec.js';
import {
  idSchema,
  json,
  licenceNumberParams,
  NO_STORE_HEADERS,
  noBody,
  noStoreJson,
  seconds,
} from '../http/schemas.js';
import {
  authOf,
  CSRF_HEADER,
  endSession,
  SESSION_COOKIE,
  SESSION_LIFETIME,
  startSession,
} from '../http/session.js';
import { currentAccount } from './current-account.js';
import {
  DRIVER_REGISTRATION_EXPECTED,
  driverRegistrationSchema,
  registerDriver,
} from './register-driver.js';
import { SIGN_IN_EXPECTED, signIn, signInSchema } from './sign-in.js';
import { changeStaff, resetStaffPassword } from './manage-staff.js';
import {
  ACCOUNT_ROLES as ROLES,
  accountReply,
  createdStaffReply,
  signInReply,
  staffListReply,
  staffPasswordReply,
  STAFF_ROLES,
  staffStateReply,
} from './replies.js';
import { unlockAccount } from './unlock-account.js';
import { STAFF_CREATION_EXPECTED, createStaff, listStaff, staffCreationSchema } from './staff.js';

/**
 * Registrations one client address may try per window: a registration tells whether a licence
 * number and a name go together, so guessing them is throttled as passwords are.
 */
export const REGISTRATION_ATTEMPTS_PER_MINUTE = 10;
/** Client addresses each limiter remembers at most. */
const LIMITER_KEYS = 10_000;

/**
 * The accounts API, mounted under /api: driver registration, sign-in and out, the signed-in
 * account, and staff management (admin only). Each route parses, calls one use case, and maps
 * the result; errors go to the problem handler.
 */

/** The body of POST /api/staff/:id/role. */
const staffRoleSchema = z.strictObject({ role: z.enum(STAFF_ROLES) });
const STAFF_ROLE_EXPECTED = { role: '"reviewer" or "admin"' };

/** The routes of the accounts API. */
export const ACCOUNT_SPECS = {
  registerDriver: route({
    method: 'post',
    path: '/api/drivers',
    roles: ['public'],
    operationId: 'registerDriver',
    tag: 'accounts',
    summary: 'Register a driver account (phone and password) with the licence it asks to bind',
    description: `Licence number and name must match a licence of the registry and the phone must have no account; an unknown number, a wrong name and a phone with an account get the same answer. A code goes to the phone; the licence is bound only after it and a real-person check (/api/me/binding). At most ${REGISTRATION_ATTEMPTS_PER_MINUTE} attempts a minute from one address.`,
    body: {
      kind: 'json',
      schema: driverRegistrationSchema,
      expected: DRIVER_REGISTRATION_EXPECTED,
      required: true,
    },
    replies: {
      201: json(
        'Registered; a code was sent.',
        z.object({ driverId: z.number().int(), expiresAt: seconds() }),
      ),
    },
    errors: {
      422: ['ERR_VALIDATION', 'ERR_REGISTRATION_REFUSED'],
      429: ['ERR_RATE_LIMITED', 'ERR_CODE_TOO_SOON'],
      503: ['ERR_SMS_UNAVAILABLE'],
    },
  }),
  signIn: route({
    method: 'post',
    path: '/api/session',
    roles: ['public'],
    operationId: 'signIn',
    tag: 'accounts',
    summary: 'Sign in as a driver or a member of staff',
    description: `Sets the session cookie ${SESSION_COOKIE} (HttpOnly, Secure, SameSite=Strict, ${SESSION_LIFETIME} seconds) and returns the CSRF token to send in ${CSRF_HEADER} on unsafe requests.`,
    body: { kind: 'json', schema: signInSchema, expected: SIGN_IN_EXPECTED, required: true },
    replies: {
      200: {
        description: 'Signed in.',
        content: { 'application/json': signInReply },
        headers: NO_STORE_HEADERS.extend({
          'Set-Cookie': z.string().meta({ description: `${SESSION_COOKIE}=<token>` }),
        }),
      },
    },
    errors: {
      401: ['ERR_SIGN_IN_FAILED'],
      422: ['ERR_VALIDATION'],
      429: ['ERR_RATE_LIMITED', 'ERR_SIGN_IN_LOCKED'],
    },
  }),
  signOut: route({
    method: 'delete',
    path: '/api/session',
    roles: ['public'],
    operationId: 'signOut',
    tag: 'accounts',
    summary: 'Sign out: end the session of this request, if any',
    replies: {
      204: {
        description: 'Signed out; the cookie is cleared.',
        headers: z.object({ 'Set-Cookie': z.string() }),
      },
    },
  }),
  currentAccount: route({
    method: 'get',
    path: '/api/me',
    roles: ROLES,
    operationId: 'currentAccount',
    tag: 'accounts',
    summary: 'The signed-in account, and the CSRF token of its session',
    replies: {
      200: noStoreJson('The account; a driver sees a masked licence number only.', accountReply),
    },
  }),
  createStaff: route({
    method: 'post',
    path: '/api/staff',
    roles: ['admin'],
    operationId: 'createStaff',
    tag: 'staff',
    summary: 'Create a staff account with a generated password',
    description: 'The password is shown in this answer only; the service keeps its hash.',
    body: {
      kind: 'json',
      schema: staffCreationSchema,
      expected: STAFF_CREATION_EXPECTED,
      required: true,
    },
    replies: {
      201: noStoreJson('Created.', createdStaffReply),
    },
    errors: { 409: ['ERR_USERNAME_TAKEN'], 422: ['ERR_VALIDATION'] },
  }),
  listStaff: route({
    method: 'get',
    path: '/api/staff',
    roles: ['admin'],
    operationId: 'listStaff',
    tag: 'staff',
    summary: 'Every staff account, without password hashes',
    replies: { 200: noStoreJson('By id.', staffListReply) },
  }),
  unlockStaff: route({
    method: 'post',
    path: '/api/staff/:id/unlock',
    roles: ['admin'],
    operationId: 'unlockStaff',
    tag: 'staff',
    summary: "End a staff account's lockout",
    params: { schema: idSchema(15), notFound: 'staff account' },
    replies: { 204: { description: 'Unlocked.' } },
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
  disableStaff: route({
    method: 'post',
    path: '/api/staff/:id/disable',
    roles: ['admin'],
    operationId: 'disableStaff',
    tag: 'staff',
    summary: 'Disable a staff account: its sessions end, and it signs in as an unknown name does',
    description:
      "Not the signed-in admin's own account. Disabling a disabled account changes nothing. Audited as `staff.disable`.",
    params: { schema: idSchema(15), notFound: 'staff account' },
    body: noBody,
    replies: { 200: json('The account now.', staffStateReply) },
    errors: { 404: ['ERR_NOT_FOUND'], 409: ['ERR_OWN_ACCOUNT'] },
  }),
  enableStaff: route({
    method: 'post',
    path: '/api/staff/:id/enable',
    roles: ['admin'],
    operationId: 'enableStaff',
    tag: 'staff',
    summary: 'Enable a disabled staff account again',
    description: 'Enabling an enabled account changes nothing. Audited as `staff.enable`.',
    params: { schema: idSchema(15), notFound: 'staff account' },
    body: noBody,
    replies: { 200: json('The account now.', staffStateReply) },
    errors: { 404: ['ERR_NOT_FOUND'], 409: ['ERR_OWN_ACCOUNT'] },
  }),
  setStaffRole: route({
    method: 'post',
    path: '/api/staff/:id/role',
    roles: ['admin'],
    operationId: 'setStaffRole',
    tag: 'staff',
    summary: 'Give a staff account another role; its sessions end',
    description:
      "Not the signed-in admin's own account. The same role again changes nothing. Audited as `staff.role` with the role before and after.",
    params: { schema: idSchema(15), notFound: 'staff account' },
    body: { kind: 'json', schema: staffRoleSchema, expected: STAFF_ROLE_EXPECTED, required: true },
    replies: { 200: json('The account now.', staffStateReply) },
    errors: { 404: ['ERR_NOT_FOUND'], 409: ['ERR_OWN_ACCOUNT'], 422: ['ERR_VALIDATION'] },
  }),
  resetStaffPassword: route({
    method: 'post',
    path: '/api/staff/:id/password',
    roles: ['admin'],
    operationId: 'resetStaffPassword',
    tag: 'staff',
    summary: 'Give a staff account a new generated password, shown once; its sessions end',
    description:
      "Not the signed-in admin's own account. Its failed sign-ins and any lock are forgotten; a disabled account stays disabled. The password is in this answer only; the service keeps its hash. Audited as `staff.password_reset`, without the password.",
    params: { schema: idSchema(15), notFound: 'staff account' },
    body: noBody,
    replies: {
      200: noStoreJson('The new password.', staffPasswordReply),
    },
    errors: { 404: ['ERR_NOT_FOUND'], 409: ['ERR_OWN_ACCOUNT'] },
  }),
  unlockDriver: route({
    method: 'post',
    path: '/api/registry/licences/:number/account/unlock',
    roles: ['admin'],
    operationId: 'unlockDriver',
    tag: 'staff',
    summary: 'End the sign-in lockout of the driver account of a licence',
    params: licenceNumberParams,
    replies: { 204: { description: 'Unlocked.' } },
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
};

/**
 * The accounts API, mounted under /api: driver registration, sign-in and out, the signed-in
 * account, and staff management (admin only). Each route calls one use case and maps the
 * result; errors go to the problem handler.
 */
export function accountRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  /**
   * Counts each request of a client address in the limiter `name` (per app, not per module: two
   * services in one process, as in tests, do not share counts; per node unless REDIS_URL shares
   * them) and refuses one over `limit` a minute with 429 ERR_RATE_LIMITED, before its body is
   * read.
   */
  const limitByAddress = (name: string, limit: number, what: string): RequestHandler => {
    const limiter = rateLimits.limiter(name, { limit, windowSeconds: 60, maxKeys: LIMITER_KEYS });
    return (req, _res, next) => {
      // req.ip: the socket's peer, or behind trusted proxies (TRUST_PROXY) the client they name.
      takeOrRefuse(
        limiter,
        req.ip ?? 'unknown',
        deps.now(),
        `too many ${what} from this address`,
      ).then(() => {
        next();
      }, next);
    };
  };
  const limitSignIns = limitByAddress(
    'sign-in',
    deps.config.signInAttemptsPerMinute,
    'sign-in attempts',
  );
  const limitRegistrations = limitByAddress(
    'registration',
    REGISTRATION_ATTEMPTS_PER_MINUTE,
    'registration attempts',
  );
  const adminId = (req: Parameters<RequestHandler>[0]) => authOf(req).subjectId;
  const actor = (req: Parameters<RequestHandler>[0]) => `staff:${adminId(req)}`;
  const S = ACCOUNT_SPECS;

  const router = mount(Router(), '/api', [
    handle(
      S.registerDriver,
      async (_req, res, { body }) => {
        res.status(201).json(await registerDriver(deps, body));
      },
      [limitRegistrations],
    ),
    handle(
      S.signIn,
      async (_req, res, { body }) => {
        const who = await signIn(deps.db, body, deps.now());
        const { csrfToken } = await startSession(deps.db, res, who, deps.now());
        noStore(res).status(200).json({ role: who.role, csrfToken });
      },
      [limitSignIns],
    ),
    handle(S.signOut, async (req, res) => {
      await endSession(deps.db, req, res);
      res.status(204).end();
    }),
    handle(S.currentAccount, async (req, res) => {
      const auth = authOf(req);
      const account = await currentAccount(deps.db, auth);
      // The CSRF token again, for a client that reloaded and kept only its (HttpOnly) cookie.
      noStore(res).json({ ...account, csrfToken: auth.csrfToken });
    }),
    handle(S.createStaff, async (req, res, { body }) => {
      const created = await createStaff(deps.db, body, deps.now(), actor(req));
      noStore(res).status(201).json(created);
    }),
    handle(S.listStaff, async (_req, res) => {
      noStore(res).json({ staff: await listStaff(deps.db, deps.now()) });
    }),
    handle(S.unlockStaff, async (req, res, { params }) => {
      await unlockAccount(deps.db, { kind: 'staff', id: params.id }, deps.now(), actor(req));
      res.status(204).end();
    }),
    handle(S.disableStaff, async (req, res, { params }) => {
      res.json(
        await changeStaff(deps.db, params.id, { kind: 'disable' }, adminId(req), deps.now()),
      );
    }),
    handle(S.enableStaff, async (req, res, { params }) => {
      res.json(await changeStaff(deps.db, params.id, { kind: 'enable' }, adminId(req), deps.now()));
    }),
    handle(S.setStaffRole, async (req, res, { params, body }) => {
      res.json(
        await changeStaff(
          deps.db,
          params.id,
          { kind: 'role', role: body.role },
          adminId(req),
          deps.now(),
        ),
      );
    }),
    handle(S.resetStaffPassword, async (req, res, { params }) => {
      const reset = await resetStaffPassword(deps.db, params.id, adminId(req), deps.now());
      noStore(res).json(reset);
    }),
    handle(S.unlockDriver, async (req, res, { params }) => {
      await unlockAccount(
        deps.db,
        { kind: 'driver', licenceNumber: params.number },
        deps.now(),
        actor(req),
      );
      res.status(204).end();
    }),
  ]);
  return router;
}
