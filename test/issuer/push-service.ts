/*
 * A real push service on loopback for the tests: an https server (web-push speaks https only)
 * with a self-signed certificate made here by openssl, recording what it receives, so that a
 * test can decrypt it (RFC 8291) with the keys of the "browser" it made.
 */
import { execFileSync } from 'node:child_process';
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(
    body: Buffer,
    params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string },
  ): Buffer;
};

/** What the push service received on one path. */
export interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** A subscribed browser: its ECDH key pair and auth secret, and its subscription JSON. */
export interface TestBrowser {
  readonly path: string;
  readonly ecdh: ECDH;
  readonly auth: string;
  readonly json: {
    endpoint: string;
    expirationTime: null;
    keys: { p256dh: string; auth: string };
  };
  /** Decrypts one message this browser was sent. */
  decrypt(message: Received): Buffer;
}

/** The running push service. */
export interface PushService {
  readonly origin: string;
  /** TLS options that accept its self-signed certificate. */
  readonly tls: { readonly rejectUnauthorized: false };
  /** What each path received, in order. */
  readonly received: Map<string, Received[]>;
  /**
   * A browser whose endpoint answers `answers` in turn (the last one repeated); `hold` keeps
   * every answer back until release() is called.
   */
  browser(label: string, answers?: number[], options?: { hold?: boolean }): TestBrowser;
  /** Lets held requests be answered. */
  release(): void;
  /** Resolves once `path` has received `count` messages. */
  waitFor(path: string, count: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** Starts a push service on 127.0.0.1 with a fresh certificate. */
export async function startPushService(): Promise<PushService> {
  const certDir = await mkdtemp(join(tmpdir(), 'lz-push-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-days',
      '1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const behaviours = new Map<string, { answers: number[]; hold: boolean }>();
  const received = new Map<string, Received[]>();
  const waiters = new Set<() => void>();
  let held: (() => void)[] = [];
  const server: Server = createServer(
    {
      key: await readFile(join(certDir, 'key.pem')),
      cert: await readFile(join(certDir, 'cert.pem')),
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        const list = received.get(path) ?? [];
        list.push({ headers: req.headers, body: Buffer.concat(chunks) });
        received.set(path, list);
        for (const wake of waiters) wake();
        const behaviour = behaviours.get(path) ?? { answers: [201], hold: false };
        const { answers } = behaviour;
        const status = answers.length > 1 ? (answers.shift() ?? 201) : (answers[0] ?? 201);
        const answer = () => res.writeHead(status).end();
        if (behaviour.hold) held.push(answer);
        else answer();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const release = () => {
    for (const b of behaviours.values()) b.hold = false;
    const answers = held;
    held = [];
    for (const answer of answers) answer();
  };

  return {
    origin,
    tls: { rejectUnauthorized: false },
    received,
    browser(label, answers = [201], options = {}) {
      const path = `/push/${label}/${randomBytes(8).toString('hex')}`;
      behaviours.set(path, { answers: [...answers], hold: options.hold === true });
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16).toString('base64url');
      return {
        path,
        ecdh,
        auth,
        json: {
          endpoint: `${origin}${path}`,
          expirationTime: null,
          keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth },
        },
        decrypt: (message) =>
          ece.decrypt(message.body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }),
      };
    },
    release,
    waitFor(path, count) {
      return new Promise((resolve) => {
        const check = () => {
          const list = received.get(path) ?? [];
          if (list.length < count) return;
          waiters.delete(check);
          resolve(list);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await rm(certDir, { recursive: true, force: true });
    },
  };
}
