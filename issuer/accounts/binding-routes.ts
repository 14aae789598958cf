import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../http/problem.js';
import type { RateLimiter, RateLimits } from '../http/rate-limiter.js';
import { authOf, requireRole } from '../http/session.js';
import { jsonBody, parseInput, readJsonBody, validationError } from '../http/validation.js';
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
import {
  RESET_EXPECTED,
  completeReset,
  enterResetCode,
  requestReset,
  resetCodeSchema,
  resetCompleteSchema,
  resetRequestSchema,
} from './recover-account.js';

/** Password-reset requests one client address may make a minute. */
export const RESET_ATTEMPTS_PER_MINUTE = 10;

/** Largest selfie, as bytes; its base64 text is a third longer. */
export const MAX_SELFIE_BYTES = 1024 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A selfie sent as JSON `{selfie}`: canonical base64 of a JPEG. */
export const selfieSchema = z.strictObject({
  selfie: z
    .string()
    .min(4)
    .max(Math.ceil(MAX_SELFIE_BYTES / 3) * 4)
    .regex(BASE64),
});
export const SELFIE_EXPECTED = {
  selfie: `the selfie, a JPEG of at most ${MAX_SELFIE_BYTES} bytes, in canonical base64`,
};

/** Reads `{selfie}` from a request body. @throws {ServiceError} 422 ERR_VALIDATION. */
export function readSelfie(body: unknown): Buffer {
  const { selfie } = parseInput(selfieSchema, body, SELFIE_EXPECTED);
  const bytes = Buffer.from(selfie, 'base64');
  // The regex admits only canonical base64, so the bytes are exactly what was sent.
  if (
    bytes.length > MAX_SELFIE_BYTES ||
    bytes[0] !== 0xff ||
    bytes[1] !== 0xd8 ||
    bytes[2] !== 0xff
  )
    throw validationError([
      {
        field: 'selfie',
        expected: SELFIE_EXPECTED.selfie,
        found: `${bytes.length} bytes, not a JPEG`,
      },
    ]);
  return bytes;
}

/** Real-person checks at binding, per licence and per client address, an hour. */
export const BINDING_CHECKS_PER_LICENCE_HOUR = 5;
export const BINDING_CHECKS_PER_ADDRESS_HOUR = 10;

async function take(limiter: RateLimiter, key: string, now: number, what: string): Promise<void> {
  const verdict = await limiter.take(key, now);
  if (!verdict.allowed)
    throw new ServiceError(
      429,
      'ERR_RATE_LIMITED',
      `too many real-person checks ${what}; try again in ${verdict.retryAfter} seconds`,
      { retryAfter: verdict.retryAfter },
    );
}

/**
 * Binding a licence to the signed-in driver's account, under /api (driver role):
 * - `GET /me/binding` → where it stands: `{state: none | code_sent | code_passed | bound}`.
 * - `POST /me/binding {licenceNumber, name}` → names the licence, sends a code: 202 `{expiresAt}`.
 * - `POST /me/binding/code/resend` → another code: 202 `{expiresAt}`.
 * - `POST /me/binding/code {code}` → 200 `{checkBy}`.
 * - `POST /me/binding/check {selfie}` → the real-person check; 200 `{bound: true, takenOver}`.
 */
export function bindingRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  const router = Router();
  const driver = requireRole('driver');
  const selfieJson = jsonBody(Math.ceil(MAX_SELFIE_BYTES / 3) * 4 + 1024);
  const hour = { windowSeconds: 3600, maxKeys: 10_000 };
  const perLicence = rateLimits.limiter('binding-licence', {
    ...hour,
    limit: BINDING_CHECKS_PER_LICENCE_HOUR,
  });
  const perAddress = rateLimits.limiter('binding-address', {
    ...hour,
    limit: BINDING_CHECKS_PER_ADDRESS_HOUR,
  });
  const id = (req: Request) => authOf(req).subjectId;

  router.get('/me/binding', driver, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await bindingState(deps, id(req)));
  });
  router.post('/me/binding', driver, readJsonBody, async (req, res) => {
    const claim = parseInput(bindingClaimSchema, req.body, BINDING_EXPECTED);
    res.status(202).json(await claimLicence(deps, id(req), claim));
  });
  router.post('/me/binding/code/resend', driver, readJsonBody, async (req, res) => {
    res.status(202).json(await resendBindingCode(deps, id(req)));
  });
  router.post('/me/binding/code', driver, readJsonBody, async (req, res) => {
    const { code } = parseInput(bindingCodeSchema, req.body, BINDING_EXPECTED);
    res.json(await confirmBindingCode(deps, id(req), code));
  });
  router.post('/me/binding/check', driver, selfieJson, async (req, res) => {
    const selfie = readSelfie(req.body);
    const now = deps.now();
    await take(perAddress, req.ip ?? 'unknown', now, 'from this address');
    const result = await bindLicence(deps, id(req), selfie, (licenceNumber) =>
      take(perLicence, licenceNumber, now, 'for this licence'),
    );
    res.json({ bound: true, takenOver: result.takenOver });
  });

  router.post('/me/phone', driver, readJsonBody, async (req, res) => {
    const { phone } = parseInput(newPhoneSchema, req.body, PHONE_CHANGE_EXPECTED);
    res.status(202).json(await requestPhoneChange(deps, id(req), phone));
  });
  router.post('/me/phone/confirm', driver, selfieJson, async (req, res) => {
    const body = parseInput(confirmPhoneSchema, req.body, PHONE_CHANGE_EXPECTED);
    const now = deps.now();
    await take(perAddress, req.ip ?? 'unknown', now, 'from this address');
    await confirmPhoneChange(deps, id(req), {
      phone: body.phone,
      code: body.code,
      ...(body.selfie === undefined ? {} : { selfie: readSelfie({ selfie: body.selfie }) }),
    });
    res.status(204).end();
  });

  // 忘记密码: public, each step limited per client address.
  const resets = rateLimits.limiter('password-reset', {
    limit: RESET_ATTEMPTS_PER_MINUTE,
    windowSeconds: 60,
    maxKeys: 10_000,
  });
  const limitResets: RequestHandler = (req, _res, next) => {
    take(resets, req.ip ?? 'unknown', deps.now(), 'or reset attempts from this address').then(
      () => {
        next();
      },
      next,
    );
  };
  router.post('/password-reset', limitResets, readJsonBody, async (req, res) => {
    const { phone } = parseInput(resetRequestSchema, req.body, RESET_EXPECTED);
    await requestReset(deps, phone);
    res.status(202).json({ sent: 'if the phone number has an account' });
  });
  router.post('/password-reset/code', limitResets, readJsonBody, async (req, res) => {
    const { phone, code } = parseInput(resetCodeSchema, req.body, RESET_EXPECTED);
    res.set('Cache-Control', 'no-store').json(await enterResetCode(deps, phone, code));
  });
  router.post('/password-reset/complete', limitResets, selfieJson, async (req, res) => {
    const body = parseInput(resetCompleteSchema, req.body, RESET_EXPECTED);
    const selfie = body.selfie === undefined ? undefined : readSelfie({ selfie: body.selfie });
    await completeReset(deps, body.token, body.password, selfie);
    res.status(204).end();
  });
  return router;
}
