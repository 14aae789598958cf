/*
 * Starts the real service on port 0, on SQLite (a fresh data folder) or PostgreSQL (a fresh
 * schema in the local database `test`), with a clock the test moves. Talks to it over HTTP with
 * a client that keeps its cookie and sends its CSRF token, as a browser app would.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { calendarFilePath } from '../../issuer/calendar/read-calendar-file.js';
import { POOL_SIZE } from '../../issuer/db/database.js';
import { loadConfig } from '../../issuer/config.js';
import { openApiDocument } from '../../issuer/http/openapi.js';
import type { ServiceDeps } from '../../issuer/deps.js';
import { createLogger } from '../../issuer/logger.js';
import type { PushTestSettings } from '../../issuer/notify/notifier.js';
import { listen, openService, type Running } from '../../issuer/service.js';
import { assertReplies, checkReplies } from './reply-check.js';

export type Engine = 'sqlite' | 'postgres';

/** The local PostgreSQL of this machine and of CI. */
export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The engines to test on. Both, always, in CI: a missing PostgreSQL fails the run there; on a
 * developer's machine without one, the PostgreSQL runs are left out with a warning.
 */
export async function engines(): Promise<Engine[]> {
  if (await postgresAnswers()) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true')
    throw new Error(`PostgreSQL does not answer at ${POSTGRES_URL}: CI needs it`);
  console.warn(`PostgreSQL does not answer at ${POSTGRES_URL}: testing SQLite only`);
  return ['sqlite'];
}

export const ENGINES: readonly Engine[] = await engines();

/** A service under test. */
export interface TestService {
  readonly engine: Engine;
  readonly url: string;
  readonly deps: ServiceDeps;
  readonly running: Running;
  /** Seconds since the epoch, as the service sees it. */
  now(): number;
  /** Moves the service's clock. */
  advance(seconds: number): void;
  client(): Client;
  close(): Promise<void>;
}

/** How a test service is started. */
export interface StartOptions {
  /** Its clock, seconds since the epoch (default: the real time at start). */
  readonly now?: number;
  readonly env?: Record<string, string>;
  readonly pushTest?: PushTestSettings;
  /** The working calendar file's contents, written into DATA_DIR before the start. */
  readonly calendarFile?: string | Uint8Array;
  /** Where its log goes, at level warn (default: nowhere). */
  readonly log?: Writable;
  /** PostgreSQL only: the server the service connects to (default POSTGRES_URL), e.g. a proxy. */
  readonly postgresUrl?: string;
  /**
   * Every answer's `Date` header from the harness clock instead of the real time, so a browser
   * that sets its clock by it (the driver's app) follows {@link TestService.advance}.
   */
  readonly dateFromClock?: boolean;
}

/** Starts a service; `now` fixes its clock (default: the real time at start). */
export async function startService(
  engine: Engine,
  options: StartOptions = {},
): Promise<TestService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lz-issuer-'));
  if (options.calendarFile !== undefined)
    await writeFile(calendarFilePath(dataDir), options.calendarFile);
  const schema = `lz_${randomBytes(6).toString('hex')}`;
  if (engine === 'postgres') {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://issuer.test',
    DEMO: 'false',
    ...(engine === 'postgres'
      ? {
          DATABASE_URL: `${options.postgresUrl ?? POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
        }
      : {}),
    ...options.env,
  });
  let clock = options.now ?? Math.floor(Date.now() / 1000);
  /** Its data folder and, on PostgreSQL, its schema, once the service has stopped. */
  const removeStore = async () => {
    if (engine === 'postgres') {
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  const deps = await openService(
    config,
    options.log === undefined ? createLogger('silent') : createLogger('warn', options.log),
    () => clock,
    options.pushTest === undefined ? {} : { pushTest: options.pushTest },
  ).catch(async (error: unknown) => {
    // A service that refuses to start (e.g. a bad working calendar file) leaves nothing behind.
    await removeStore();
    throw error;
  });
  const running = await listen(deps).catch(async (error: unknown) => {
    // A service that does not start (e.g. no Redis at REDIS_URL) leaves nothing behind.
    await deps.db.close();
    await removeStore();
    throw error;
  });
  if (options.dateFromClock === true) {
    running.server.prependListener(
      'request',
      (_request: IncomingMessage, response: ServerResponse) => {
        response.setHeader('Date', new Date(clock * 1000).toUTCString());
      },
    );
  }
  // Every reply is checked against the OpenAPI document; close() fails listing mismatches.
  const replies = checkReplies(running.server, openApiDocument(config.publicUrl));
  return {
    engine,
    url: running.url,
    deps,
    running,
    now: () => clock,
    advance: (seconds) => {
      clock += seconds;
    },
    client: () => new Client(running.url),
    async close() {
      await running.stop();
      await removeStore();
      assertReplies(replies());
    },
  };
}

/** A response, its body parsed when it is JSON. */
export interface Reply<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

/** An HTTP client with a cookie jar and the session's CSRF token. */
export class Client {
  private cookie: string | undefined;
  /** Set from the sign-in response (`csrfToken`), sent on unsafe requests. */
  csrfToken: string | undefined;

  /** The session this client holds (cookie header value and CSRF token), for other clients. */
  session(): { cookie: string; csrfToken: string } {
    if (this.cookie === undefined || this.csrfToken === undefined)
      throw new Error('client: not signed in');
    return { cookie: this.cookie, csrfToken: this.csrfToken };
  }

  constructor(readonly baseUrl: string) {}

  get<T = unknown>(path: string, headers: Record<string, string> = {}): Promise<Reply<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = unknown>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  put<T = unknown>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    return this.request<T>('PUT', path, body, headers);
  }

  delete<T = unknown>(path: string, headers: Record<string, string> = {}): Promise<Reply<T>> {
    return this.request<T>('DELETE', path, undefined, headers);
  }

  async request<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie !== undefined) h.cookie = this.cookie;
    if (this.csrfToken !== undefined && method !== 'GET' && h['x-csrf-token'] === undefined)
      h['x-csrf-token'] = this.csrfToken;
    let payload: string | Buffer | undefined;
    if (typeof body === 'string') payload = body;
    else if (body instanceof Uint8Array) payload = Buffer.from(body);
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: h,
      ...(payload === undefined ? {} : { body: payload as BodyInit }),
    });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair = ''] = c.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (name.trim() === '__Host-lz_session')
        this.cookie = value === '' ? undefined : `${name.trim()}=${value}`;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '')
      parsed = JSON.parse(text);
    const reply: Reply<T> = { status: res.status, headers: res.headers, body: parsed as T, text };
    const csrf = (parsed as { csrfToken?: unknown } | null)?.csrfToken;
    if (typeof csrf === 'string') this.csrfToken = csrf;
    return reply;
  }
}

/**
 * Opens every connection of `service`'s pool (one query each, at once). Requests then run side by
 * side on PostgreSQL, as on a busy node; on a cold pool they would wait for connections opened
 * one after another and seldom meet.
 */
export async function openEveryConnection(service: Pick<TestService, 'deps'>): Promise<void> {
  await Promise.all(
    Array.from({ length: POOL_SIZE }, () => sql`select 1`.execute(service.deps.db.kysely)),
  );
}
