import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import {
  CONFIRM_EXPECTED,
  MAX_SELFIE_BYTES,
  confirmSchema,
  selfieBytes,
} from '../application/routes.js';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import { takeOrRefuse, type RateLimits } from '../http/rate-limiter.js';
import { route, type JsonBodySpec } from '../http/route-spec.js';
import { json, noBody, noStoreJson, seconds } from '../http/schemas.js';
import { authOf } from '../http/session.js';
import {
  BINDING_EXPECTED,
  bindLicence,
  bindingClaimSchema,
  bindingCodeSchema,
  bindingState,
  claimLicence,
  confirmBindingCode,
  resendBindingCode,
} from './bind-licence.js';
import {
  PHONE_CHANGE_EXPECTED,
  confirmPhoneChange,
  confirmPhoneSchema,
  newPhoneSchema,
  requestPhoneChange,
} from './change-phone.js';
import { bindingStateReply, resetCodeReply } from './replies.js';
import {
  RESET_EXPECTED,
  completeReset,
  enterResetCode,
  requestReset,
  resetCodeSchema,
  resetCompleteSchema,
  resetRequestSchema,
} from './recover-account.js';

/** Real-person checks at binding, per licence and per client address, an hour. */
export const BINDING_CHECKS_PER_LICENCE_HOUR = 5;
export const BINDING_CHECKS_PER_ADDRESS_HOUR = 10;
/** Password-reset requests one client address may make a minute. */
export const RESET_ATTEMPTS_PER_MINUTE = 10;

const DRIVER = ['driver'] as const;
const SELFIE_LIMIT = Math.ceil(MAX_SELFIE_BYTES / 3) * 4 + 1024;
const selfieField = confirmSchema.shape.selfie;

/** A JSON body that carries a selfie for a real-person check: read up to the selfie's size. */
function selfieBody<S extends z.ZodType>(
  schema: S,
  expected: Readonly<Record<string, string>>,
): JsonBodySpec<S> {
  return { kind: 'json', schema, expected, required: true, limit: SELFIE_LIMIT };
}
const codeSent = z.object({ expiresAt: seconds('When the code sent stops being good.') });

/** Binding a licence to an account, a change of phone number, and 忘记密码. */
export const BINDING_SPECS = {
  state: route({
    method: 'get',
    path: '/api/me/binding',
    roles: DRIVER,
    operationId: 'bindingState',
    tag: 'accounts',
    summary: 'Where binding a licence to this account stands',
    replies: { 200: noStoreJson('The step.', bindingStateReply) },
  }),
  claim: route({
    method: 'post',
    path: '/api/me/binding',
    roles: DRIVER,
    operationId: 'claimLicence',
    tag: 'accounts',
    summary: 'Name the licence to bind; a code goes to the account’s phone',
    body: { kind: 'json', schema: bindingClaimSchema, expected: BINDING_EXPECTED, required: true },
    replies: { 202: json('Code sent.', codeSent) },
    errors: {
      409: ['ERR_ALREADY_BOUND'],
      422: ['ERR_VALIDATION', 'ERR_REGISTRATION_REFUSED'],
      429: ['ERR_CODE_TOO_SOON'],
      503: ['ERR_SMS_UNAVAILABLE'],
    },
  }),
  resend: route({
    method: 'post',
    path: '/api/me/binding/code/resend',
    roles: DRIVER,
    operationId: 'resendBindingCode',
    tag: 'accounts',
    summary: 'Send the binding code again (at most one a minute, five an hour)',
    body: noBody,
    replies: { 202: json('Code sent.', codeSent) },
    errors: {
      409: ['ERR_NO_BINDING_CLAIM'],
      429: ['ERR_CODE_TOO_SOON'],
      503: ['ERR_SMS_UNAVAILABLE'],
    },
  }),
  code: route({
    method: 'post',
    path: '/api/me/binding/code',
    roles: DRIVER,
    operationId: 'enterBindingCode',
    tag: 'accounts',
    summary: 'Enter the code sent to the account’s phone',
    body: { kind: 'json', schema: bindingCodeSchema, expected: BINDING_EXPECTED, required: true },
    replies: { 200: json('Code taken.', z.object({ checkBy: seconds() })) },
    errors: {
      409: ['ERR_NO_BINDING_CLAIM'],
      422: ['ERR_VALIDATION', 'ERR_CODE_WRONG', 'ERR_CODE_EXPIRED'],
    },
  }),
  check: route({
    method: 'post',
    path: '/api/me/binding/check',
    roles: DRIVER,
    operationId: 'bindLicence',
    tag: 'accounts',
    summary: 'The real-person check that binds the licence (taking it over from another account)',
    description: `At most ${BINDING_CHECKS_PER_LICENCE_HOUR} checks an hour per licence and ${BINDING_CHECKS_PER_ADDRESS_HOUR} per client address.`,
    body: selfieBody(confirmSchema, CONFIRM_EXPECTED),
    replies: {
      200: json('Bound.', z.object({ bound: z.literal(true), takenOver: z.boolean() })),
    },
    errors: {
      409: ['ERR_NO_BINDING_CLAIM', 'ERR_CODE_REQUIRED', 'ERR_BINDING_CONFLICT'],
      422: ['ERR_VALIDATION', 'ERR_IDENTITY_MISMATCH', 'ERR_LIVENESS_FAILED'],
      429: ['ERR_RATE_LIMITED'],
      503: ['ERR_IDENTITY_UNAVAILABLE'],
    },
  }),
  newPhone: route({
    method: 'post',
    path: '/api/me/phone',
    roles: DRIVER,
    operationId: 'requestPhoneChange',
    tag: 'accounts',
    summary: 'Ask to change the account’s phone number: a code goes to the new one',
    body: {
      kind: 'json',
      schema: newPhoneSchema,
      expected: PHONE_CHANGE_EXPECTED,
      required: true,
    },
    replies: { 202: json('Code sent.', codeSent) },
    errors: {
      409: ['ERR_PHONE_TAKEN'],
      429: ['ERR_CODE_TOO_SOON'],
      503: ['ERR_SMS_UNAVAILABLE'],
    },
  }),
  confirmPhone: route({
    method: 'post',
    path: '/api/me/phone/confirm',
    roles: DRIVER,
    operationId: 'confirmPhoneChange',
    tag: 'accounts',
    summary: 'The new number’s code and, for an account holding a licence, a real-person check',
    body: selfieBody(
      confirmPhoneSchema.extend({ selfie: selfieField.optional() }),
      PHONE_CHANGE_EXPECTED,
    ),
    replies: { 204: { description: 'The number is the account’s.' } },
    errors: {
      409: ['ERR_PHONE_TAKEN'],
      422: [
        'ERR_VALIDATION',
        'ERR_CODE_WRONG',
        'ERR_CODE_EXPIRED',
        'ERR_IDENTITY_MISMATCH',
        'ERR_LIVENESS_FAILED',
      ],
      429: ['ERR_RATE_LIMITED'],
      503: ['ERR_IDENTITY_UNAVAILABLE'],
    },
  }),
  reset: route({
    method: 'post',
    path: '/api/password-reset',
    roles: ['public'],
    operationId: 'requestPasswordReset',
    tag: 'accounts',
    summary: '忘记密码: a code to the phone, when it has an account (the answer is the same)',
    body: { kind: 'json', schema: resetRequestSchema, expected: RESET_EXPECTED, required: true },
    replies: { 202: json('Asked.', z.object({ sent: z.string() })) },
    errors: { 429: ['ERR_RATE_LIMITED'] },
  }),
  resetCode: route({
    method: 'post',
    path: '/api/password-reset/code',
    roles: ['public'],
    operationId: 'enterResetCode',
    tag: 'accounts',
    summary: 'Enter the recovery code; the token answered finishes the reset',
    body: { kind: 'json', schema: resetCodeSchema, expected: RESET_EXPECTED, required: true },
    replies: { 200: noStoreJson('Code taken.', resetCodeReply) },
    errors: {
      422: ['ERR_VALIDATION', 'ERR_CODE_WRONG', 'ERR_CODE_EXPIRED'],
      429: ['ERR_RATE_LIMITED'],
    },
  }),
  resetComplete: route({
    method: 'post',
    path: '/api/password-reset/complete',
    roles: ['public'],
    operationId: 'completePasswordReset',
    tag: 'accounts',
    summary:
      'Set the new password (after a real-person check when the account holds a licence); every session ends',
    body: selfieBody(
      resetCompleteSchema.extend({ selfie: selfieField.optional() }),
      RESET_EXPECTED,
    ),
    replies: { 204: { description: 'Reset.' } },
    errors: {
      410: ['ERR_RESET_EXPIRED'],
      422: ['ERR_VALIDATION', 'ERR_IDENTITY_MISMATCH', 'ERR_LIVENESS_FAILED'],
      429: ['ERR_RATE_LIMITED'],
      503: ['ERR_IDENTITY_UNAVAILABLE'],
    },
  }),
};

/** The routes of BINDING_SPECS. */
export function bindingRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  const hour = { windowSeconds: 3600, maxKeys: 10_000 };
  const perLicence = rateLimits.limiter('binding-licence', {
    ...hour,
    limit: BINDING_CHECKS_PER_LICENCE_HOUR,
  });
  const perAddress = rateLimits.limiter('binding-address', {
    ...hour,
    limit: BINDING_CHECKS_PER_ADDRESS_HOUR,
  });
  const resets = rateLimits.limiter('password-reset', {
    limit: RESET_ATTEMPTS_PER_MINUTE,
    windowSeconds: 60,
    maxKeys: 10_000,
  });
  const limitResets: RequestHandler = (req, _res, next) => {
    takeOrRefuse(
      resets,
      req.ip ?? 'unknown',
      deps.now(),
      'too many reset attempts from this address',
    ).then(() => {
      next();
    }, next);
  };
  const byAddress = (req: Request) =>
    takeOrRefuse(
      perAddress,
      req.ip ?? 'unknown',
      deps.now(),
      'too many real-person checks from this address',
    );
  const id = (req: Request) => authOf(req).subjectId;
  const S = BINDING_SPECS;
  return mount(Router(), '/api', [
    handle(S.state, async (req, res) => {
      noStore(res).json(await bindingState(deps, id(req)));
    }),
    handle(S.claim, async (req, res, { body }) => {
      res.status(202).json(await claimLicence(deps, id(req), body));
    }),
    handle(S.resend, async (req, res) => {
      res.status(202).json(await resendBindingCode(deps, id(req)));
    }),
    handle(S.code, async (req, res, { body }) => {
      res.json(await confirmBindingCode(deps, id(req), body.code));
    }),
    handle(S.check, async (req, res, { body }) => {
      const selfie = selfieBytes(body.selfie);
      await byAddress(req);
      const now = deps.now();
      const result = await bindLicence(deps, id(req), selfie, (licenceNumber) =>
        takeOrRefuse(
          perLicence,
          licenceNumber,
          now,
          'too many real-person checks for this licence',
        ),
      );
      res.json({ bound: true, takenOver: result.takenOver });
    }),
    handle(S.newPhone, async (req, res, { body }) => {
      res.status(202).json(await requestPhoneChange(deps, id(req), body.phone));
    }),
    handle(S.confirmPhone, async (req, res, { body }) => {
      await byAddress(req);
      await confirmPhoneChange(deps, id(req), {
        phone: body.phone,
        code: body.code,
        ...(body.selfie === undefined ? {} : { selfie: selfieBytes(body.selfie) }),
      });
      res.status(204).end();
    }),
    handle(
      S.reset,
      async (_req, res, { body }) => {
        await requestReset(deps, body.phone);
        res.status(202).json({ sent: 'if the phone number has an account' });
      },
      [limitResets],
    ),
    handle(
      S.resetCode,
      async (_req, res, { body }) => {
        const entered = await enterResetCode(deps, body.phone, body.code);
        noStore(res).json(entered);
      },
      [limitResets],
    ),
    handle(
      S.resetComplete,
      async (_req, res, { body }) => {
        const selfie = body.selfie === undefined ? undefined : selfieBytes(body.selfie);
        await completeReset(deps, body.token, body.password, selfie);
        res.status(204).end();
      },
      [limitResets],
    ),
  ]);
}
