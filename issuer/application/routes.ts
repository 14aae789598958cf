import express, { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import { takeOrRefuse, type RateLimits } from '../http/rate-limiter.js';
import { route } from '../http/route-spec.js';
import {
  APPLICATION_PATHS,
  deadlineProvisional,
  idSchema,
  image,
  NO_STORE_HEADERS,
  noBody,
  noStoreJson,
  seconds,
} from '../http/schemas.js';
import { authOf } from '../http/session.js';
import { applicationReply, inboxReply, pathsReply, reviewQueueReply } from './replies.js';
import { unsupportedMediaType, validationError } from '../http/validation.js';
import { abandonApplication } from './abandon-application.js';
import { confirmStored } from './confirm-stored.js';
import { currentApplication } from './current-application.js';
import { decideApplication } from './decide-application.js';
import { listInbox } from './list-inbox.js';
import { applicationPhoto, reviewQueue } from './review-queue.js';
import { offeredPaths, startApplication } from './start-application.js';
import { submitPhoto } from './submit-photo.js';

/**
 * Real-person checks one driver account may ask for an hour on the stored path: each is a call
 * to the government service, and a driver who fails five times an hour is better told to wait.
 */
export const STORED_CHECKS_PER_DRIVER_HOUR = 5;

/** Largest photo upload; the pre-check then applies its own, smaller limit. */
export const MAX_PHOTO_BYTES = 6 * 1024 * 1024;
/** Largest selfie, as bytes; its base64 text is a third longer. */
export const MAX_SELFIE_BYTES = 1024 * 1024;
/** The photo types accepted; the pre-check sniffs the bytes themselves. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const;

/** The body of POST /api/me/application. */
export const startSchema = z.strictObject({ path: z.enum(APPLICATION_PATHS) });
/** What each field of startSchema must be. */
export const START_EXPECTED = { path: 'stored, camera or album (GET /api/me/application/paths)' };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** The body of POST /api/me/application/confirm-stored. */
export const confirmSchema = z.strictObject({
  selfie: z
    .string()
    .min(4)
    .max(Math.ceil(MAX_SELFIE_BYTES / 3) * 4)
    .regex(BASE64),
});
/** What each field of confirmSchema must be. */
export const CONFIRM_EXPECTED = {
  selfie: `the selfie, a JPEG of at most ${MAX_SELFIE_BYTES} bytes, in canonical base64`,
};

/**
 * The bytes of a selfie sent as `selfieSchema` text (every real-person check takes one).
 * @throws {ServiceError} 422 ERR_VALIDATION when they are not a JPEG of at most
 *   {@link MAX_SELFIE_BYTES}.
 */
export function selfieBytes(selfie: string): Buffer {
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
        expected: CONFIRM_EXPECTED.selfie,
        found: `${bytes.length} bytes, not a JPEG`,
      },
    ]);
  return bytes;
}

/** The body of POST /api/review/applications/:id/reject. */
export const rejectSchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });
/** What each field of rejectSchema must be. */
export const REJECT_EXPECTED = { reason: 'why the photo is rejected, 1–500 characters' };

const APPLICATION_ID_EXPECTED = { id: 'an application id (a positive integer)' };
/** The path parameter of an application: 422 for one that is not a positive integer. */
const applicationId = { schema: idSchema(16), expected: APPLICATION_ID_EXPECTED };

/** A photo upload: image/jpeg or image/png, read after the role check. */
export const photoBody = {
  kind: 'raw',
  content: { 'image/jpeg': image('image/jpeg'), 'image/png': image('image/png') },
  read: () => express.raw({ type: [...PHOTO_TYPES], limit: MAX_PHOTO_BYTES }),
} as const;

const stateReply = <S extends string>(state: S) => z.object({ state: z.literal(state) });
const DRIVER = ['driver'] as const;
const REVIEWER = ['reviewer', 'admin'] as const;

/** The routes of the e-licence application (docs/DOMAIN.md §1). */
export const APPLICATION_SPECS = {
  paths: route({
    method: 'get',
    path: '/api/me/application/paths',
    roles: DRIVER,
    operationId: 'applicationPaths',
    tag: 'application',
    summary: 'The photo paths offered: stored only when the registry holds a compliant photo',
    description:
      'After an issue, a new application changes the photo: camera or album only, not before `notBefore` (PHOTO_CHANGE_INTERVAL_DAYS after the last issue). While the licence may not have an e-licence (suspended, revoked, expired, 12 points…), no path and `refusal` with the reason a start would be refused with.',
    replies: { 200: noStoreJson('The paths.', pathsReply) },
    errors: { 403: ['ERR_LICENCE_NOT_BOUND'], 404: ['ERR_NOT_FOUND'] },
  }),
  start: route({
    method: 'post',
    path: '/api/me/application',
    roles: DRIVER,
    operationId: 'startApplication',
    tag: 'application',
    summary: 'Start an application on one path: a draft',
    body: { kind: 'json', schema: startSchema, expected: START_EXPECTED, required: true },
    replies: {
      201: noStoreJson(
        'The draft.',
        z.object({
          id: z.number().int(),
          state: z.literal('draft'),
          path: z.enum(APPLICATION_PATHS),
        }),
      ),
    },
    errors: {
      403: ['ERR_LICENCE_NOT_BOUND'],
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_LICENCE_NOT_USABLE', 'ERR_ILLEGAL_TRANSITION', 'ERR_PHOTO_CHANGE_TOO_SOON'],
      422: ['ERR_VALIDATION'],
    },
  }),
  photo: route({
    method: 'post',
    path: '/api/me/application/photo',
    roles: DRIVER,
    operationId: 'submitApplicationPhoto',
    tag: 'application',
    summary: 'Submit the photo of a camera or album application for review',
    description: `The body is the image itself, at most ${MAX_PHOTO_BYTES} bytes. The automatic pre-check runs first; a photo that passes is stored without its metadata and the review is due one working day later. A rejected application is resubmitted this way.`,
    body: photoBody,
    replies: {
      200: noStoreJson(
        'Submitted for review.',
        z.object({ state: z.literal('submitted'), deadline: seconds(), deadlineProvisional }),
      ),
    },
    errors: {
      403: ['ERR_LICENCE_NOT_BOUND'],
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_LICENCE_NOT_USABLE', 'ERR_ILLEGAL_TRANSITION'],
      413: ['ERR_TOO_LARGE'],
      415: ['ERR_UNSUPPORTED_MEDIA_TYPE'],
      422: ['ERR_PHOTO_REJECTED'],
    },
  }),
  confirmStored: route({
    method: 'post',
    path: '/api/me/application/confirm-stored',
    roles: DRIVER,
    operationId: 'confirmStoredPhoto',
    tag: 'application',
    summary:
      'Confirm the stored photo with a real-person check; on a match the e-licence is issued',
    description: `At most ${STORED_CHECKS_PER_DRIVER_HOUR} checks an hour per driver account.`,
    body: {
      kind: 'json',
      schema: confirmSchema,
      expected: CONFIRM_EXPECTED,
      required: true,
      limit: Math.ceil(MAX_SELFIE_BYTES / 3) * 4 + 1024,
    },
    replies: { 200: noStoreJson('Issued.', stateReply('issued')) },
    errors: {
      403: ['ERR_LICENCE_NOT_BOUND'],
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_LICENCE_NOT_USABLE', 'ERR_ILLEGAL_TRANSITION'],
      422: ['ERR_VALIDATION', 'ERR_IDENTITY_MISMATCH', 'ERR_LIVENESS_FAILED'],
      429: ['ERR_RATE_LIMITED'],
      503: ['ERR_IDENTITY_UNAVAILABLE'],
    },
  }),
  abandon: route({
    method: 'post',
    path: '/api/me/application/abandon',
    roles: DRIVER,
    operationId: 'abandonApplication',
    tag: 'application',
    summary: 'Abandon the open application, to start again (on another path)',
    description:
      'From draft, identity_failed, submitted (withdrawn from the review queue) or rejected; not while the real-person check runs.',
    body: noBody,
    replies: { 200: noStoreJson('Abandoned.', stateReply('abandoned')) },
    errors: { 404: ['ERR_NOT_FOUND'], 409: ['ERR_ILLEGAL_TRANSITION'] },
  }),
  current: route({
    method: 'get',
    path: '/api/me/application',
    roles: DRIVER,
    operationId: 'currentApplication',
    tag: 'application',
    summary: "The driver's latest application: state, review deadline, rejection reason",
    replies: { 200: noStoreJson('The application.', applicationReply) },
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
  inbox: route({
    method: 'get',
    path: '/api/me/inbox',
    roles: DRIVER,
    operationId: 'listInbox',
    tag: 'application',
    summary: "The driver's notices, newest first",
    replies: { 200: noStoreJson('The notices.', inboxReply) },
  }),
  queue: route({
    method: 'get',
    path: '/api/review/queue',
    roles: REVIEWER,
    operationId: 'reviewQueue',
    tag: 'application',
    summary: 'Submitted applications, the earliest deadline first',
    replies: { 200: noStoreJson('The queue.', reviewQueueReply) },
  }),
  reviewPhoto: route({
    method: 'get',
    path: '/api/review/applications/:id/photo',
    roles: REVIEWER,
    operationId: 'applicationPhoto',
    tag: 'application',
    summary: 'The photo of an application, JPEG',
    params: applicationId,
    replies: {
      200: {
        description: 'The photo.',
        content: { 'image/jpeg': image('image/jpeg') },
        headers: NO_STORE_HEADERS,
      },
    },
    errors: { 404: ['ERR_NOT_FOUND'], 422: ['ERR_VALIDATION'] },
  }),
  approve: route({
    method: 'post',
    path: '/api/review/applications/:id/approve',
    roles: REVIEWER,
    operationId: 'approveApplication',
    tag: 'application',
    summary: 'Approve a submitted photo: the e-licence is issued and the driver notified',
    params: applicationId,
    body: noBody,
    replies: { 200: noStoreJson('Issued.', stateReply('issued')) },
    errors: {
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_LICENCE_NOT_USABLE', 'ERR_ILLEGAL_TRANSITION'],
      422: ['ERR_VALIDATION'],
    },
  }),
  reject: route({
    method: 'post',
    path: '/api/review/applications/:id/reject',
    roles: REVIEWER,
    operationId: 'rejectApplication',
    tag: 'application',
    summary: 'Reject a submitted photo with the reason the driver is shown',
    params: applicationId,
    body: { kind: 'json', schema: rejectSchema, expected: REJECT_EXPECTED, required: true },
    replies: { 200: noStoreJson('Rejected.', stateReply('rejected')) },
    errors: { 404: ['ERR_NOT_FOUND'], 409: ['ERR_ILLEGAL_TRANSITION'], 422: ['ERR_VALIDATION'] },
  }),
};

/**
 * The e-licence application, mounted under /api: the driver's application (paths, start, photo,
 * stored photo with a real-person check, abandon, state, inbox) and the reviewers' queue and
 * decisions ({@link APPLICATION_SPECS}).
 */
export function applicationRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  const S = APPLICATION_SPECS;
  const subjectId = (req: Parameters<typeof authOf>[0]) => authOf(req).subjectId;
  const storedChecks = rateLimits.limiter('stored-check', {
    limit: STORED_CHECKS_PER_DRIVER_HOUR,
    windowSeconds: 3600,
    maxKeys: 10_000,
  });
  return mount(Router(), '/api', [
    handle(S.paths, async (req, res) => {
      noStore(res).json(await offeredPaths(deps, subjectId(req)));
    }),
    handle(S.start, async (req, res, { body }) => {
      const started = await startApplication(deps, subjectId(req), body.path);
      noStore(res).status(201).json(started);
    }),
    handle(S.photo, async (req, res) => {
      if (!req.is([...PHOTO_TYPES]) || !Buffer.isBuffer(req.body))
        throw unsupportedMediaType(req, PHOTO_TYPES.join(' or '));
      noStore(res).json(await submitPhoto(deps, subjectId(req), req.body));
    }),
    handle(S.confirmStored, async (req, res, { body }) => {
      const selfie = selfieBytes(body.selfie);
      await takeOrRefuse(
        storedChecks,
        String(subjectId(req)),
        deps.now(),
        'too many real-person checks for this account',
      );
      noStore(res).json(await confirmStored(deps, subjectId(req), selfie));
    }),
    handle(S.abandon, async (req, res) => {
      noStore(res).json(await abandonApplication(deps, subjectId(req)));
    }),
    handle(S.current, async (req, res) => {
      noStore(res).json(await currentApplication(deps, subjectId(req)));
    }),
    handle(S.inbox, async (req, res) => {
      noStore(res).json({ entries: await listInbox(deps, subjectId(req)) });
    }),
    handle(S.queue, async (_req, res) => {
      noStore(res).json(await reviewQueue(deps));
    }),
    handle(S.reviewPhoto, async (_req, res, { params }) => {
      const photo = await applicationPhoto(deps, params.id);
      noStore(res).type('image/jpeg').send(Buffer.from(photo));
    }),
    handle(S.approve, async (req, res, { params }) => {
      const result = await decideApplication(deps, subjectId(req), params.id, { kind: 'approve' });
      noStore(res).json(result);
    }),
    handle(S.reject, async (req, res, { params, body }) => {
      const result = await decideApplication(deps, subjectId(req), params.id, {
        kind: 'reject',
        reason: body.reason,
      });
      noStore(res).json(result);
    }),
  ]);
}
