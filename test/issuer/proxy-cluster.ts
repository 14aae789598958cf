/*
 * Two real service processes (`node dist/issuer/main.js`) behind a real HAProxy, on loopback:
 * one store shared by both (a fresh PostgreSQL schema, or one SQLite file), the rate limits
 * shared through Redis under a prefix of their own. The proxy's configuration, pid file and
 * log are in a temporary folder; it runs in the foreground as a child of the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Db } from '../../issuer/db/database.js';
import { POSTGRES_URL, type Engine } from './harness.js';

/** The built service: the test runs what `npm start` runs. */
const MAIN = fileURLToPath(new URL('../../dist/issuer/main.js', import.meta.url));

/** HAProxy from the PATH or where Debian puts it; undefined when there is none. */
export function findHaproxy(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  return dirs
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'haproxy'))
    .find((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** An answer through the proxy; status 0 when the connection failed without one. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * One request on a connection of its own from `from` (a loopback address: all of 127/8 is
 * local on Linux), so that the proxy sees a client of that address.
 */
export function send(
  url: string,
  method: string,
  path: string,
  body: unknown,
  options: { from: string; headers?: Record<string, string> },
): Promise<Answer> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve) => {
    const req = request(
      new URL(path, url),
      {
        method,
        localAddress: options.from,
        agent: false,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          'content-length': Buffer.byteLength(payload),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json') && text !== '')
            parsed = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', () => {
          resolve({ status: 0, body: undefined });
        });
      },
    );
    req.on('error', () => {
      resolve({ status: 0, body: undefined });
    });
    req.end(payload);
  });
}

/** A service process. */
export interface ServiceNode {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resolves with the signal or code once the process has exited. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

/** Two nodes behind HAProxy, and the test's own handle on their store. */
export interface ProxyCluster {
  /** The proxy's URL: every request of the test goes through it. */
  readonly url: string;
  readonly nodes: readonly [ServiceNode, ServiceNode];
  readonly db: Db;
  /** The proxy's log so far (its warnings, servers going down). */
  proxyLog(): Promise<string>;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 at the moment of asking. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

function exitOf(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.signalCode ?? child.exitCode);
      return;
    }
    child.once('exit', (code, signal) => {
      resolve(signal ?? code);
    });
  });
}

/**
 * Starts `node dist/issuer/main.js`; resolves once it prints the URL it listens on, and fails
 * (the process killed) when it has not within 20 s.
 */
function startNode(env: Record<string, string>): Promise<ServiceNode> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = exitOf(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 20_000);
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /^liangzheng issuer service on (http:\/\/127\.0\.0\.1:\d+) /m.exec(out);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({ child, url: match[1], exited });
    });
    void exited.then((how) => {
      clearTimeout(timer);
      // After it listened, this is a no-op: the test kills nodes on purpose.
      reject(new Error(`node ${MAIN} ended (${String(how)}) before listening: ${err}`));
    });
  });
}

/** HAProxy's configuration: round robin over the two nodes, checked on /healthz. */
function haproxyConfig(dir: string, port: number, nodeUrls: readonly string[]): string {
  const servers = nodeUrls.map(
    (url, i) => `  server n${i + 1} ${new URL(url).host} check inter 500ms fall 2 rise 1`,
  );
  return `global
  pidfile ${join(dir, 'haproxy.pid')}
  log stderr format raw local0 info
  maxconn 256

defaults
  mode http
  log global
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout check 1s
  # A request goes again, to another node, only when no connection to a node could be made:
  # it never reached one. A request a node may have received (and committed) is never repeated.
  retries 3
  retry-on conn-failure
  option redispatch 1
  # One connection to a node per request: a node that died is found at connect, not on reuse.
  option http-server-close
  # Appends the peer's address (the client) to X-Forwarded-For.
  option forwardfor

frontend edge
  bind 127.0.0.1:${port}
  default_backend nodes

backend nodes
  balance roundrobin
  option httpchk GET /healthz
${servers.join('\n')}
`;
}

/** Waits until the proxy answers /healthz with 200, for at most 10 s. */
async function untilHealthy(url: string, log: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await send(url, 'GET', '/healthz', undefined, { from: '127.0.0.1' });
    if (answer.status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`HAProxy at ${url}: /healthz never answered 200\n${await log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts two nodes on one store (the first alone, so that it makes the keys and the schema),
 * then HAProxy in front of them. `env` adds to both nodes' environment (e.g. TRUST_PROXY).
 */
export async function startProxyCluster(
  haproxy: string,
  engine: Engine,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<ProxyCluster> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run npm run build first`);
  const dir = await mkdtemp(join(tmpdir(), 'lz-proxy-'));
  const dataDir = join(dir, 'data');
  const schema = `lz_${randomBytes(6).toString('hex')}`;
  const databaseUrl = `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  if (engine === 'postgres') await admin(`create schema ${schema}`);
  const nodeEnv = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://issuer.test',
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `lz-proxy-${randomBytes(6).toString('hex')}:`,
    ...(engine === 'postgres' ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  };
  const started: ServiceNode[] = [];
  let proxy: ChildProcess | undefined;
  let logFd: number | undefined;
  let db: Db | undefined;
  const logFile = join(dir, 'haproxy.log');
  const proxyLog = () => readFile(logFile, 'utf8').catch(() => '');

  const stop = async () => {
    await db?.close();
    for (const child of [proxy, ...started.map((n) => n.child)]) {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = exitOf(child);
      child.kill('SIGTERM');
      await exited;
    }
    if (logFd !== undefined) closeSync(logFd);
    if (engine === 'postgres') await admin(`drop schema if exists ${schema} cascade`);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    started.push(await startNode(nodeEnv));
    started.push(await startNode(nodeEnv));
    const port = await freePort();
    const configFile = join(dir, 'haproxy.cfg');
    await writeFile(
      configFile,
      haproxyConfig(
        dir,
        port,
        started.map((n) => n.url),
      ),
    );
    logFd = openSync(logFile, 'a');
    // -db: in the foreground, a child of the test, killed at the end.
    proxy = spawn(haproxy, ['-db', '-f', configFile], { stdio: ['ignore', logFd, logFd] });
    const ended = exitOf(proxy).then(
      async (how) => new Error(`HAProxy ended (${String(how)}):\n${await proxyLog()}`),
    );
    const url = `http://127.0.0.1:${port}`;
    const failure = await Promise.race([untilHealthy(url, proxyLog), ended]);
    if (failure instanceof Error) throw failure;
    db = openDatabase(
      engine === 'postgres' ? { databaseUrl: POSTGRES_URL, dataDir, schema } : { dataDir },
    );
    const [first, second] = started;
    if (first === undefined || second === undefined) throw new Error('two nodes expected');
    const handle = db;
    return { url, nodes: [first, second], db: handle, proxyLog, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
