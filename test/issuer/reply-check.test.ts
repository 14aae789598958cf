/*
 * The reply check the harness hooks on every service: a reply the document does not declare
 * (status, media type, a member of its body, a method of a path, a Cache-Control: no-store it
 * declares) is listed, one that it does is not.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../issuer/http/openapi.js';
import { assertReplies, checkReplies, type ReplyCheck } from './reply-check.js';

const DOCUMENT = {
  openapi: '3.1.0',
  info: {},
  servers: [],
  tags: [],
  paths: {
    '/things/{id}': {
      get: {
        operationId: 'thing',
        summary: 'A thing',
        tags: [],
        'x-roles': ['public'],
        security: [],
        responses: {
          '200': {
            description: 'The thing.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { id: { type: 'integer' } },
                  required: ['id'],
                },
              },
            },
          },
          '304': { description: 'Not modified.' },
        },
      },
    },
    '/secrets/{id}': {
      get: {
        operationId: 'secret',
        summary: 'A secret',
        tags: [],
        'x-roles': ['admin'],
        security: [],
        responses: {
          '200': {
            description: 'The secret, never cached.',
            headers: { 'Cache-Control': { schema: { type: 'string', enum: ['no-store'] } } },
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
  },
  components: { schemas: {}, securitySchemes: {} },
} as const satisfies OpenApiDocument;

/** What the server answers, by path. */
const ANSWERS: Readonly<
  Record<string, { status: number; type?: string; body?: string; cache?: string }>
> = {
  '/things/1': { status: 200, type: 'application/json', body: '{"id":1}' },
  '/things/2': { status: 200, type: 'application/json', body: '{"id":"2"}' },
  '/things/3': { status: 200, type: 'application/json', body: '{"id":3,"secret":"x"}' },
  '/things/4': { status: 404, type: 'application/json', body: '{}' },
  '/things/5': { status: 200, type: 'text/plain', body: 'five' },
  '/things/6': { status: 304 },
  '/elsewhere': { status: 404, type: 'text/plain', body: 'no' },
  '/secrets/1': { status: 200, type: 'text/plain', body: 's', cache: 'no-store' },
  '/secrets/2': { status: 200, type: 'text/plain', body: 's' },
  '/secrets/3': { status: 200, type: 'text/plain', body: 's', cache: 'private, max-age=60' },
};

describe('the reply check', () => {
  let server: Server;
  let base: string;
  let result: () => ReplyCheck;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const answer = ANSWERS[req.url ?? ''] ?? { status: 500 };
      res.statusCode = req.method === 'GET' ? answer.status : 405;
      if (answer.type !== undefined) res.setHeader('content-type', answer.type);
      if (answer.cache !== undefined) res.setHeader('cache-control', answer.cache);
      // Written in two pieces: the check reads the whole body.
      const body = answer.body ?? '';
      res.write(body.slice(0, 3));
      res.end(body.slice(3));
    });
    result = checkReplies(server, DOCUMENT);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('when replies are and are not as declared, then each one that is not is listed', async () => {
    for (const path of Object.keys(ANSWERS)) await (await fetch(base + path)).arrayBuffer();
    await (await fetch(`${base}/things/1`, { method: 'DELETE' })).arrayBuffer();
    // The last reply's 'finish' may come after its client has read it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { checked, mismatches } = result();
    expect(checked).toBe(9);
    expect(mismatches).toEqual([
      'GET /things/2 200: body/id must be integer',
      'GET /things/3 200: body must NOT have unevaluated properties',
      'GET /things/4 404 (thing): status not declared (declared: 200 304)',
      'GET /things/5 200: media type text/plain not declared (declared: application/json)',
      'GET /secrets/2 200: Cache-Control: no-store declared, found none',
      'GET /secrets/3 200: Cache-Control: no-store declared, found "private, max-age=60"',
    ]);
    expect(() => {
      assertReplies({ checked, mismatches });
    }).toThrow(/^replies the OpenAPI document does not declare:\nGET \/things\/2 200/);
  });
});
