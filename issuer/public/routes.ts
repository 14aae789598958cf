import { Router } from 'express';
import { z } from 'zod';
import { calendarCoverage } from '../calendar/calendar-coverage.js';
import { ping } from '../db/database.js';
import type { ServiceDeps } from '../deps.js';
import { handle, mount } from '../http/mount.js';
import { route } from '../http/route-spec.js';
import { json } from '../http/schemas.js';
import { homePage, HOME_POLICY_HEADER, type HomeLink } from './home-page.js';

/** The media type of a JWK Set (RFC 7517 §8.5.1). */
const JWK_SET_TYPE = 'application/jwk-set+json';

/** The working calendar's reach, in /healthz. */
const calendarCoverageReply = z.object({
  coversUntil: z.iso
    .date()
    .meta({ description: 'The last day (China time) whose working days the service knows.' }),
  daysLeft: z.number().int().meta({
    description: 'Days from today (China time) to coversUntil: 0 on that day, negative after it.',
  }),
  warning: z.boolean().meta({
    description:
      "At most 60 days left: the next year's holiday arrangement should be loaded into the working calendar file (OPERATIONS.md). Never makes the service unhealthy.",
  }),
});

/** An Ed25519 public key (RFC 8037 §2). */
const jwkReply = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().meta({ description: 'The public key, base64url of 32 bytes.' }),
    kid: z.string().optional().meta({ description: 'RFC 7638 thumbprint.' }),
    alg: z.enum(['EdDSA', 'Ed25519']).optional(),
    use: z.literal('sig').optional(),
  })
  .meta({ id: 'Jwk', description: 'An Ed25519 public key (RFC 8037 §2).' });

/** The routes at the root that any verifier reads without signing in. */
export const PUBLIC_SPECS = {
  home: route({
    method: 'get',
    path: '/',
    roles: ['public'],
    operationId: 'home',
    tag: 'public',
    summary: 'The start page: a link to each web app the service serves',
    description:
      'An HTML page, Chinese first with English beside it, linking the driver’s app (/app/), the police app (/verifier/) and the reviewers’ console (/console/) when built.',
    replies: {
      200: {
        description: 'The page.',
        content: { 'text/html': z.string() },
        headers: z.object({
          'Content-Security-Policy': z
            .string()
            .meta({ description: "The page's policy: its own style only, no script, no frame." }),
        }),
      },
    },
  }),
  health: route({
    method: 'get',
    path: '/healthz',
    roles: ['public'],
    operationId: 'health',
    tag: 'public',
    summary: 'Whether the service and its database answer',
    replies: {
      200: json('Up.', z.object({ status: z.literal('ok'), calendar: calendarCoverageReply })),
      503: json(
        'The database does not answer.',
        z.object({ status: z.literal('database unavailable'), calendar: calendarCoverageReply }),
      ),
    },
  }),
  jwks: route({
    method: 'get',
    path: '/.well-known/jwks.json',
    roles: ['public'],
    operationId: 'jwks',
    tag: 'public',
    summary: 'The public keys that verify e-licences and status lists (RFC 7517)',
    description:
      'The signing key, and older keys until the last credential they signed has expired.',
    replies: {
      200: {
        description: 'A JWK set, as application/jwk-set+json (RFC 7517 §8.5.1).',
        content: { [JWK_SET_TYPE]: z.object({ keys: z.array(jwkReply) }) },
        headers: z.object({ 'Cache-Control': z.literal('public, max-age=300') }),
      },
    },
  }),
  openApi: route({
    method: 'get',
    path: '/openapi.json',
    roles: ['public'],
    operationId: 'openApi',
    tag: 'public',
    summary: 'This document',
    replies: {
      200: json('OpenAPI 3.1.', z.looseObject({ openapi: z.literal('3.1.0') })),
    },
  }),
};

/**
 * The routes at the root: the start page linking `links`, the health check (the calendar's reach
 * is a detail for the operator: a calendar about to run out never makes the service unhealthy),
 * the keys, and the document `document` returns.
 */
export function publicRoutes(
  deps: ServiceDeps,
  document: () => unknown,
  links: readonly HomeLink[] = [],
): Router {
  const page = homePage(links);
  return mount(Router(), '', [
    handle(PUBLIC_SPECS.home, (_req, res) => {
      res.set('Content-Security-Policy', HOME_POLICY_HEADER).type('html').send(page);
    }),
    handle(PUBLIC_SPECS.health, async (_req, res) => {
      const up = await ping(deps.db);
      res.status(up ? 200 : 503).json({
        status: up ? 'ok' : 'database unavailable',
        calendar: calendarCoverage(deps.calendar, deps.now()),
      });
    }),
    handle(PUBLIC_SPECS.jwks, async (_req, res) => {
      const jwks = await deps.keys.jwks(deps.now());
      // RFC 7517 §8.5.1: a JWK Set is application/jwk-set+json.
      res.set('Cache-Control', 'public, max-age=300').type(JWK_SET_TYPE).json(jwks);
    }),
    handle(PUBLIC_SPECS.openApi, (_req, res) => {
      res.json(document());
    }),
  ]);
}
