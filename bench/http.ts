/*
 * HTTP: credential refreshes per second against an express hello-world, both measured in the
 * same run with autocannon (10 connections, 6 s each after a 2 s warm-up; the two alternated
 * over 3 rounds, the median round's ratio judged), target ≥ 0.5× the hello-world's rate with
 * p99 < 50 ms. Each server runs in a child process of its own (this file, started again with
 * `hello`, `service` or `service-resign`): the hello-world answers {"ok":true}; the service is
 * the real one (openService + listen, production settings, SQLite in a temporary DATA_DIR, logs
 * at info to /dev/null) with one driver, one device and one session put straight into the
 * database. Each request is POST /api/me/devices/:id/credential with the
 * session cookie and CSRF token, the request the driver's app makes on every refresh:
 * - `service`: as configured by default, the live credential is current (nothing changed, signed
 *   less than a day ago) and is answered as it is;
 * - `service-resign`: CREDENTIAL_REFRESH_AFTER=0, every request signs a new credential and
 *   commits it in the same status slot (what a refresh costs after a change of the licence).
 * Also measured: the API's path alone, GET /api/push/key with the session cookie (security
 * headers, request log, routing, session lookup, a constant answer), which bounds what any
 * signed-in route can reach; the re-signing refresh without HTTP, issueCredential() in a loop in
 * this process; and for each server its CPU time per answered request (user + system, from the
 * child itself), which does not depend on how much of the machine the load generator takes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';
import { issueCredential } from '../issuer/credentials/issue-credential.js';
import { listen } from '../issuer/service.js';
import { benchStore, signedInDriver } from './issuance.js';

const CONNECTIONS = 10;
const SECONDS = 6;
/**
 * The hello-world and the refresh are measured this many times, each refresh run right after a
 * hello-world run: the ratio is the median of the rounds' ratios, so a stretch in which the
 * shared machine is slower weighs on both sides of one round, not on one side of the ratio.
 */
const ROUNDS = 3;
const WARM_UP_SECONDS = 2;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;

/** What a server child tells the bench once it listens. */
interface Ready {
  readonly url: string;
  /** The service only: the request to make. */
  readonly cookie?: string;
  readonly csrfToken?: string;
  readonly deviceId?: number;
}

/**
 * The same refresh without HTTP: issueCredential() called in a loop in this process, on the same
 * kind of store. The ceiling of the HTTP figure: what the use case costs by itself.
 */
async function refreshWithoutHttp(seconds: number): Promise<number> {
  const store = await benchStore('sqlite', { LOG_LEVEL: 'silent', CREDENTIAL_REFRESH_AFTER: '0' });
  const deps = await store.open();
  try {
    const { driverId, deviceId } = await signedInDriver(deps.db, deps.now());
    for (let i = 0; i < 500; i++) await issueCredential(deps, { driverId, deviceId });
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < seconds * 1000) {
      await issueCredential(deps, { driverId, deviceId });
      n += 1;
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await deps.db.close();
    await store.remove();
  }
}

/** The child: serves until SIGTERM, then stops (the service also removes its data). */
async function serve(kind: string): Promise<void> {
  const tell = (ready: Ready) => {
    process.send?.(ready);
  };
  // Asked 'cpu', the child says how much CPU it has used: the bench divides by requests.
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  if (kind === 'hello') {
    const app = express();
    app.use((_req, res) => {
      res.json({ ok: true });
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => {
        resolve(s);
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('hello: no port');
    process.once('SIGTERM', () => {
      server.close();
      server.closeAllConnections();
      process.disconnect();
    });
    tell({ url: `http://127.0.0.1:${address.port}` });
    return;
  }
  if (kind !== 'service' && kind !== 'service-resign')
    throw new Error(`bench/http: expected hello, service or service-resign, found ${kind}`);
  const store = await benchStore('sqlite', {
    // Production settings name a real identity-check provider and SMS gateway (read from the
    // environment given to the configuration, not the process's); the refresh calls neither.
    IDENTITY_CHECK: 'http',
    IDENTITY_CHECK_URL: 'https://identity.invalid/verify',
    IDENTITY_CHECK_APP_ID: 'bench',
    IDENTITY_CHECK_SECRET: 'b'.repeat(32),
    SMS: 'http',
    SMS_URL: 'https://sms.invalid/send',
    SMS_APP_ID: 'bench',
    SMS_SECRET: 's'.repeat(32),
    NODE_ENV: 'production',
    VAPID_SUBJECT: 'mailto:operations@issuer.test',
    // Production with an https:// PUBLIC_URL names the TLS-ending proxy; here it would be on
    // this host. autocannon sends no X-Forwarded-For, so the clients are still its sockets.
    TRUST_PROXY: '127.0.0.1',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...(kind === 'service-resign' ? { CREDENTIAL_REFRESH_AFTER: '0' } : {}),
  });
  const deps = await store.open();
  const session = await signedInDriver(deps.db, deps.now());
  const running = await listen(deps);
  process.once('SIGTERM', () => {
    running.server.closeAllConnections();
    process.disconnect();
    void running.stop().then(() => store.remove());
  });
  tell({ url: running.url, ...session });
}

/** Starts this file as a child serving `kind`; resolves once it listens. */
function start(
  kind: 'hello' | 'service' | 'service-resign',
): Promise<{ child: ChildProcess; ready: Ready }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [kind], {
      // Logs go nowhere; errors are shown.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', (ready: Ready) => {
      resolve({ child, ready });
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      reject(new Error(`bench/http: the ${kind} server exited with code ${code ?? 'none'}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** What is measured: the credential request, or the API's path alone (see httpBench). */
type Request = 'refresh' | 'pipeline';

/** One autocannon run of `request` against `ready.url`. */
async function load(ready: Ready, seconds: number, request: Request): Promise<autocannon.Result> {
  const cookie = ready.cookie === undefined ? {} : { cookie: ready.cookie };
  if (request === 'pipeline')
    return autocannon({
      url: `${ready.url}/api/push/key`,
      connections: CONNECTIONS,
      duration: seconds,
      headers: cookie,
    });
  return autocannon({
    url: `${ready.url}/api/me/devices/${ready.deviceId ?? 1}/credential`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: {
      ...cookie,
      ...(ready.csrfToken === undefined ? {} : { 'x-csrf-token': ready.csrfToken }),
    },
  });
}

/** The CPU time the child has used so far, in microseconds. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const answer = (message: unknown) => {
      const cpu = (message as { cpu?: NodeJS.CpuUsage }).cpu;
      if (cpu === undefined) return;
      child.off('message', answer);
      resolve(cpu.user + cpu.system);
    };
    child.on('message', answer);
    child.send('cpu');
  });
}

interface Measured {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  /** The server's CPU time (user + system) per answered request, µs: load-independent. */
  readonly cpuUs: number;
}

async function measure(
  server: { readonly child: ChildProcess; readonly ready: Ready },
  request: Request = 'refresh',
): Promise<Measured> {
  await load(server.ready, WARM_UP_SECONDS, request);
  const before = await cpuOf(server.child);
  const r = await load(server.ready, SECONDS, request);
  const cpu = (await cpuOf(server.child)) - before;
  return {
    // Answered requests a second; the ones that failed are counted apart.
    rps: r['2xx'] / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    cpuUs: cpu / Math.max(1, r['2xx']),
  };
}

/** Runs the section, printing as it goes; returns the figures. */
export async function httpBench(): Promise<Record<string, unknown>> {
  console.log(
    `HTTP (autocannon, ${CONNECTIONS} connections, ${SECONDS} s each, POST /api/me/devices/:id/credential; hello-world and refresh alternated, ${ROUNDS} rounds)`,
  );
  const children: ChildProcess[] = [];
  try {
    const hello = await start('hello');
    children.push(hello.child);
    const service = await start('service');
    children.push(service.child);
    const rounds: { base: Measured; ours: Measured; ratio: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const base = await measure(hello);
      const ours = await measure(service);
      rounds.push({ base, ours, ratio: ours.rps / base.rps });
    }
    await stop(hello.child);
    // The median round: its figures are the ones shown, its ratio the one judged.
    const byRatio = [...rounds].sort((a, b) => a.ratio - b.ratio);
    const median = byRatio[Math.floor(ROUNDS / 2)];
    if (median === undefined) throw new Error('bench/http: no round measured');
    const { base, ours, ratio } = median;
    const worstP99 = Math.max(...rounds.map((r) => r.ours.p99));
    const failed = rounds.reduce((n, r) => n + r.ours.non2xx + r.ours.errors, 0);
    const pipeline = await measure(service, 'pipeline');
    await stop(service.child);
    const resigning = await start('service-resign');
    children.push(resigning.child);
    const resign = await measure(resigning);
    await stop(resigning.child);
    const bare = await refreshWithoutHttp(SECONDS / 2);
    const line = (name: string, m: Measured) => {
      console.log(
        `  ${name.padEnd(46)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${String(m.p50).padStart(3)} ms  p99 ${String(m.p99).padStart(3)} ms  server CPU ${m.cpuUs.toFixed(0).padStart(4)} µs/req${m.non2xx + m.errors > 0 ? `  (${m.non2xx} not 2xx, ${m.errors} errors)` : ''}`,
      );
    };
    line('express hello-world', base);
    line('credential refresh (current credential)', ours);
    line('credential refresh, signing every time', resign);
    line('API path alone (GET /api/push/key, signed in)', pipeline);
    console.log(
      `  the API path alone: ${(pipeline.rps / base.rps).toFixed(2)}× the hello-world; signing every time: ${(resign.rps / base.rps).toFixed(2)}×; that without HTTP (issueCredential in-process) ${bare.toFixed(0)}/s: ${(bare / base.rps).toFixed(2)}×`,
    );
    const met = ratio >= TARGET_RATIO && worstP99 < TARGET_P99_MS && failed === 0;
    console.log(
      `  ratio per round ${rounds.map((r) => r.ratio.toFixed(2)).join(', ')}; median ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}), worst p99 ${worstP99} ms (target < ${TARGET_P99_MS}): ${met ? 'met' : 'NOT MET'}`,
    );
    const figures = (m: Measured) => ({
      rps: Math.round(m.rps),
      p50_ms: m.p50,
      p99_ms: m.p99,
      non_2xx: m.non2xx,
      errors: m.errors,
      server_cpu_us_per_request: Math.round(m.cpuUs),
    });
    return {
      hello_world: figures(base),
      credential_refresh: figures(ours),
      ratio: Number(ratio.toFixed(3)),
      ratio_per_round: rounds.map((r) => Number(r.ratio.toFixed(3))),
      worst_p99_ms: worstP99,
      credential_refresh_signing: figures(resign),
      api_path_alone: figures(pipeline),
      ratio_signing: Number((resign.rps / base.rps).toFixed(3)),
      refresh_without_http_per_s: Math.round(bare),
      target_ratio: TARGET_RATIO,
      target_p99_ms: TARGET_P99_MS,
    };
  } finally {
    await Promise.all(children.map((c) => stop(c)));
  }
}

// Started as a child by httpBench: serve.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] !== undefined)
  await serve(process.argv[2]);
