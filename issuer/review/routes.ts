import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import { authOf } from '../http/session.js';
import { route } from '../http/route-spec.js';
import { image, NO_STORE_HEADERS, noStoreJson } from '../http/schemas.js';
import { applicationDetail } from './application-detail.js';
import { referencePhoto } from './reference-photo.js';
import { applicationDetailReply } from './review-replies.js';

/** The path parameters of GET /api/review/applications/:id. */
export const applicationIdSchema = z.strictObject({ id: z.string().regex(/^[1-9]\d{0,15}$/) });
/** What each parameter of applicationIdSchema must be. */
export const APPLICATION_ID_EXPECTED = { id: 'an application id (a positive integer)' };

/** The reviewers' view of one application. */
export const REVIEW_SPECS = {
  application: route({
    method: 'get',
    path: '/api/review/applications/:id',
    roles: ['reviewer', 'admin'],
    operationId: 'reviewApplication',
    tag: 'application',
    summary: 'One application with its pre-check report and its audit trail',
    params: { schema: applicationIdSchema, expected: APPLICATION_ID_EXPECTED },
    replies: { 200: noStoreJson('The application.', applicationDetailReply) },
    errors: { 404: ['ERR_NOT_FOUND'], 422: ['ERR_VALIDATION'] },
  }),
  referencePhoto: route({
    method: 'get',
    path: '/api/review/applications/:id/reference-photo',
    roles: ['reviewer', 'admin'],
    operationId: 'referencePhoto',
    tag: 'application',
    summary: 'The identity photo of the applicant from the real-person check’s source, JPEG',
    description:
      'Fetched for this look only: never stored, cached or logged; every access is audited (reference_photo.viewed).',
    params: { schema: applicationIdSchema, expected: APPLICATION_ID_EXPECTED },
    replies: {
      200: {
        description: 'The photo.',
        content: { 'image/jpeg': image('image/jpeg') },
        headers: NO_STORE_HEADERS,
      },
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      422: ['ERR_VALIDATION'],
      503: ['ERR_IDENTITY_UNAVAILABLE'],
    },
  }),
};

/**
 * The reviewers' view of one application, mounted under /api (no body): the application with
 * its pre-check report and audit trail.
 */
export function reviewRoutes(deps: ServiceDeps): Router {
  return mount(Router(), '/api', [
    handle(REVIEW_SPECS.application, async (_req, res, { params }) => {
      const detail = await applicationDetail(deps, Number(params.id));
      noStore(res).json(detail);
    }),
    handle(REVIEW_SPECS.referencePhoto, async (req, res, { params }) => {
      const photo = await referencePhoto(deps, Number(params.id), authOf(req).subjectId);
      noStore(res).type('image/jpeg').send(Buffer.from(photo));
    }),
  ]);
}
