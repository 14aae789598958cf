/**
 * The SMS port's adapters: the HTTP one against a local fake gateway (signed request, one
 * attempt, fail closed on anything but the expected answer), and the development one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signGatewayRequest } from '../../issuer/gateway-request.js';
import { createLogger } from '../../issuer/logger.js';
import { createDevSms } from '../../issuer/sms/sms-dev.js';
import { createHttpSms } from '../../issuer/sms/sms-http.js';
import type { SmsMessage } from '../../issuer/sms/sms.js';

const SECRET = 'an-sms-test-secret-of-32-characters!';
const MESSAGE: SmsMessage = {
  phone: '13800138000',
  template: 'binding_code',
  code: '042917',
  requestId: 'sms-0001',
};

interface Received {
  readonly body: Record<string, unknown>;
  readonly signatureOk: boolean;
}

/** How the fake gateway answers the next request. */
let answer: (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => void;
const received: Received[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      const signature = signGatewayRequest(
        SECRET,
        String(req.headers['x-timestamp']),
        String(req.headers['x-nonce']),
        text,
      );
      received.push({ body, signatureOk: signature === req.headers['x-signature'] });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sms`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received.length = 0;
});

const sms = (timeoutMs = 2000) =>
  createHttpSms({ endpoint, appId: 'lz', secret: SECRET, timeoutMs, allowInsecure: true });

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};

describe('the HTTP SMS adapter', () => {
  it('when the gateway answers SENT for the request id, then sent; the request is signed and names the template and code', async () => {
    answer = (_req, res, body) => {
      json(res, 200, { requestId: body.requestId, result: 'SENT' });
    };
    expect(await sms().send(MESSAGE)).toEqual({ outcome: 'sent' });
    expect(received).toEqual([
      {
        body: {
          requestId: 'sms-0001',
          phone: '13800138000',
          template: 'binding_code',
          params: { code: '042917' },
        },
        signatureOk: true,
      },
    ]);
  });

  it.each([
    [
      'a 500',
      (res: ServerResponse) => {
        json(res, 500, {});
      },
    ],
    [
      'another request id',
      (res: ServerResponse) => {
        json(res, 200, { requestId: 'x', result: 'SENT' });
      },
    ],
    ['not JSON', (res: ServerResponse) => res.writeHead(200).end('SENT')],
    [
      'a redirect',
      (res: ServerResponse) => res.writeHead(302, { location: 'https://elsewhere.test/' }).end(),
    ],
  ])(
    'when the gateway answers %s, then unavailable provider_error after one attempt',
    async (_label, reply) => {
      answer = (_req, res) => {
        reply(res);
      };
      expect(await sms().send(MESSAGE)).toEqual({
        outcome: 'unavailable',
        reason: 'provider_error',
      });
      expect(received).toHaveLength(1);
    },
  );

  it('when the gateway does not answer in time, then unavailable timeout', async () => {
    answer = () => undefined;
    expect(await sms(200).send(MESSAGE)).toEqual({ outcome: 'unavailable', reason: 'timeout' });
  });

  it('when the endpoint is http:// on another host or carries credentials, then it refuses to be made', () => {
    expect(() =>
      createHttpSms({ endpoint: 'http://sms.example/v1', appId: 'lz', secret: SECRET }),
    ).toThrow('endpoint: expected an https:// URL, found http://');
    expect(() =>
      createHttpSms({ endpoint: 'https://u:p@sms.example/v1', appId: 'lz', secret: SECRET }),
    ).toThrow('endpoint: expected no credentials in the URL');
  });
});

describe('the development SMS adapter', () => {
  it('when a message is sent, then it is kept with its code; failNext makes the next one unavailable', async () => {
    const dev = createDevSms(createLogger('silent'));
    expect(await dev.send(MESSAGE)).toEqual({ outcome: 'sent' });
    expect(dev.lastCode('13800138000')).toBe('042917');
    dev.failNext();
    expect(await dev.send({ ...MESSAGE, code: '111111' })).toEqual({
      outcome: 'unavailable',
      reason: 'provider_down',
    });
    expect(dev.lastCode('13800138000')).toBe('042917');
  });
});
