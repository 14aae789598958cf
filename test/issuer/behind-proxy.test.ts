/**
 * The service as operators run it: two node processes behind a real reverse proxy (Debian's
 * HAProxy) that appends the client's address to X-Forwarded-For, one store and the rate limits
 * in Redis shared by both (proxy-cluster.ts). The clients are loopback addresses of their own
 * (127.0.0.2, 127.0.0.3, …: all of 127/8 is local on Linux), so the proxy sees distinct peers.
 *
 * - With TRUST_PROXY naming the proxy, one client failing sign-in is limited alone, whatever
 *   X-Forwarded-For it writes itself; without it, every client is the proxy and one locks all out.
 * - `kill -9` of one node in a stream of registrations loses no acknowledged write, and the
 *   proxy sends what follows to the other node.
 *
 * In CI a missing HAProxy or Redis fails the run; elsewhere these tests are left out with a
 * warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_ATTEMPTS_PER_MINUTE } from '../../issuer/config.js';
import { failingSignIn } from '../helpers/failing-sign-in.js';
import { insertLicence, syntheticLicence } from './fixtures.js';
import { ENGINES, type Engine } from './harness.js';
import {
  findHaproxy,
  send,
  startProxyCluster,
  type Answer,
  type ProxyCluster,
} from './proxy-cluster.js';
import { REDIS_URL, redisAnswers } from './redis.js';

const HAPROXY = findHaproxy();
const REDIS = await redisAnswers();
if (process.env.CI === 'true') {
  if (HAPROXY === undefined)
    throw new Error('haproxy not found (apt-get install haproxy): CI needs it');
  if (!REDIS) throw new Error(`Redis does not answer at ${REDIS_URL}: CI needs it`);
}
if (HAPROXY === undefined) console.warn('haproxy not found: the service behind a proxy not tested');
else if (!REDIS) console.warn(`Redis does not answer at ${REDIS_URL}: the proxy tests left out`);

/** The proxy's own address towards the nodes: what TRUST_PROXY names. */
const PROXY_ADDRESS = '127.0.0.1';
/** Two clients failing and signing in. */
const CLIENT_A = '127.0.0.2';
const CLIENT_B = '127.0.0.3';
/**
 * The writers: drivers registering, each from an address of their own (127.0.1.x), as the
 * public would; registration is limited per address like sign-in.
 */
const writerAddress = (serial: number) => `127.0.1.${(serial % 250) + 1}`;

const PASSWORD = 'correct horse battery';
/** A sign-in that fails (no such staff account), counted by the limiter before anything else. */

function codeOf(answer: Answer): [number, unknown] {
  return [answer.status, (answer.body as { code?: unknown } | undefined)?.code];
}

/** Slow on a busy machine: sign-ins and registrations hash passwords (scrypt). */
const SLOW = 60_000;

/**
 * The limits count in windows of a clock minute (in Redis, on the nodes' clock): begin a
 * series of attempts with at least 20 s of its window left, so that it stays in one window.
 */
async function atStartOfWindow(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

/** Client A fails sign-in as often as the limit allows, all at once (both nodes take some). */
async function exhaustClientA(cluster: ProxyCluster): Promise<void> {
  const answers = await Promise.all(
    Array.from({ length: SIGN_IN_ATTEMPTS_PER_MINUTE }, () =>
      send(cluster.url, 'POST', '/api/session', failingSignIn(), { from: CLIENT_A }),
    ),
  );
  expect(answers.map(codeOf)).toEqual(
    Array.from({ length: SIGN_IN_ATTEMPTS_PER_MINUTE }, () => [401, 'ERR_SIGN_IN_FAILED']),
  );
}

/**
 * The scenario of the sign-in limit: client B registers a driver, then, early in a window of the
 * limit, client A fails sign-in as often as it allows. The phone B signs in with.
 */
async function clientBRegisteredAndAExhausted(cluster: ProxyCluster): Promise<string> {
  const phoneB = await registeredDriver(cluster, 0);
  await atStartOfWindow();
  await exhaustClientA(cluster);
  return phoneB;
}

/** A phone number of its own for the `serial`-th registration (phones are unique). */
const phoneOf = (serial: number) => `136${String(serial).padStart(8, '0')}`;
/** The kill -9 writers' phones: apart from the other tests' on the same database. */
const writerPhone = (serial: number) => `135${String(serial).padStart(8, '0')}`;

/** Registers a driver of `licence` with `phone` through the proxy, as a client at `from`. */
function register(
  cluster: ProxyCluster,
  licence: { readonly licenceNumber: string; readonly name: string },
  phone: string,
  from: string,
): Promise<Answer> {
  return send(
    cluster.url,
    'POST',
    '/api/drivers',
    { licenceNumber: licence.licenceNumber, name: licence.name, phone, password: PASSWORD },
    { from },
  );
}

/**
 * Puts a synthetic licence in the registry and registers its driver through the proxy; the
 * account's phone number, with which it signs in (the licence is bound only after the code and
 * the real-person check, which these tests do not need).
 */
async function registeredDriver(cluster: ProxyCluster, serial: number): Promise<string> {
  const licence = syntheticLicence(serial);
  await insertLicence(cluster.db, licence, Math.floor(Date.now() / 1000));
  const answer = await register(cluster, licence, phoneOf(serial), CLIENT_B);
  expect(answer.status).toBe(201);
  return phoneOf(serial);
}

/** Client B signs in by phone. */
function signInFromB(cluster: ProxyCluster, phone: string, password: string): Promise<Answer> {
  return send(
    cluster.url,
    'POST',
    '/api/session',
    { kind: 'phone', phone, password },
    { from: CLIENT_B },
  );
}

/**
 * Starts a cluster on `engine` (with `env` for its nodes) before the tests of the enclosing suite
 * and stops it after them; the cluster, once started.
 */
function clusterOfSuite(
  haproxy: string,
  engine: Engine,
  env?: Record<string, string>,
): () => ProxyCluster {
  let started: ProxyCluster | undefined;
  beforeAll(async () => {
    started = await startProxyCluster(haproxy, engine, REDIS_URL, env);
  }, SLOW);
  afterAll(async () => {
    await started?.stop();
  });
  return () => {
    if (started === undefined) throw new Error('the cluster did not start');
    return started;
  };
}

describe.skipIf(HAPROXY === undefined || !REDIS)('behind HAProxy', () => {
  const haproxy = HAPROXY ?? '';

  describe.each(ENGINES)('two nodes on %s, TRUST_PROXY naming the proxy', (engine) => {
    const running = clusterOfSuite(haproxy, engine, { TRUST_PROXY: PROXY_ADDRESS });

    it(
      'when client A fails sign-in 10 times, then A gets 429 whatever X-Forwarded-For it writes, and client B still signs in',
      async () => {
        const cluster = running();
        const licenceB = await clientBRegisteredAndAExhausted(cluster);
        const fromA = (headers: Record<string, string> = {}) =>
          send(cluster.url, 'POST', '/api/session', failingSignIn(), { from: CLIENT_A, headers });
        expect(codeOf(await fromA())).toEqual([429, 'ERR_RATE_LIMITED']);
        // A names another address, the proxy's, or B's: the proxy appends A's own, and that one
        // is the client.
        for (const forged of [
          '198.51.100.9',
          PROXY_ADDRESS,
          CLIENT_B,
          `${CLIENT_B}, ${PROXY_ADDRESS}`,
        ])
          expect(codeOf(await fromA({ 'x-forwarded-for': forged }))).toEqual([
            429,
            'ERR_RATE_LIMITED',
          ]);
        const fromB = (password: string) => signInFromB(cluster, licenceB, password);
        expect(codeOf(await fromB('wrong horse battery'))).toEqual([401, 'ERR_SIGN_IN_FAILED']);
        const signedIn = await fromB(PASSWORD);
        expect([signedIn.status, (signedIn.body as { role?: unknown }).role]).toEqual([
          200,
          'driver',
        ]);
      },
      SLOW,
    );

    it(
      'when one node is killed with SIGKILL amid a stream of registrations, then every acknowledged one is in the database, and those after it go through the other node',
      async () => {
        const cluster = running();
        /** Licences seeded for the stream; it stops well before, once enough follow the kill. */
        const SEEDED = 80;
        const CONCURRENCY = 4;
        const KILL_AFTER_ACKNOWLEDGED = 8;
        const AFTER_EXIT = 12;
        const licences = Array.from({ length: SEEDED }, (_, i) => syntheticLicence(1000 + i));
        const now = Math.floor(Date.now() / 1000);
        for (const licence of licences) await insertLicence(cluster.db, licence, now);

        interface Write {
          /** The account's phone number (unique), by which it is found. */
          readonly licenceNumber: string;
          /** Sent once the killed node had exited: the proxy has only the other node. */
          readonly afterExit: boolean;
          /** Answered before the kill was sent. */
          readonly beforeKill: boolean;
          readonly status: number;
        }
        const writes: Write[] = [];
        const victim = cluster.nodes[0];
        let next = 0;
        let acknowledged = 0;
        let killSent = false;
        let exited = false;
        let sentAfterExit = 0;
        let killed: Promise<NodeJS.Signals | number | null> | undefined;

        const writer = async () => {
          while (sentAfterExit < AFTER_EXIT && next < SEEDED) {
            const serial = next++;
            const licence = licences[serial];
            if (licence === undefined) break;
            const afterExit = exited;
            if (afterExit) sentAfterExit++;
            const answer = await register(
              cluster,
              licence,
              writerPhone(serial),
              writerAddress(serial),
            );
            writes.push({
              licenceNumber: writerPhone(serial),
              afterExit,
              beforeKill: !killSent,
              status: answer.status,
            });
            if (answer.status === 201) acknowledged++;
            if (acknowledged >= KILL_AFTER_ACKNOWLEDGED && !killSent) {
              // The other writers' requests are in flight, some of them on this node.
              killSent = true;
              victim.child.kill('SIGKILL');
              killed = victim.exited.then((how) => {
                exited = true;
                return how;
              });
            }
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, writer));
        expect(await killed).toBe('SIGKILL');
        expect(sentAfterExit).toBe(AFTER_EXIT);

        const rows = await cluster.db.kysely
          .selectFrom('drivers')
          .select('phone')
          .where(
            'phone',
            'in',
            writes.map((w) => w.licenceNumber),
          )
          .execute();
        const found = new Set(rows.map((r) => r.phone));
        const acknowledgedWrites = writes.filter((w) => w.status === 201);
        const failed = writes.filter((w) => w.status !== 201);
        const inFlight = writes.filter((w) => !w.beforeKill && !w.afterExit);
        console.info(
          `kill -9 of one of two nodes behind HAProxy (${engine}): ${writes.length} writes sent, ${acknowledgedWrites.length} acknowledged (201), ${found.size} found in the database, ${failed.length} failed (statuses ${JSON.stringify(failed.map((w) => w.status))}; ${failed.filter((w) => found.has(w.licenceNumber)).length} of them committed all the same); ${inFlight.length} were in flight across the kill, ${writes.filter((w) => w.afterExit).length} sent after the node's exit`,
        );

        // No acknowledged write is lost.
        expect(acknowledgedWrites.filter((w) => !found.has(w.licenceNumber))).toEqual([]);
        // Only a write in flight across the kill may fail; before it and after the node's exit,
        // every one is acknowledged (after it, the proxy finds the dead node at connect and sends
        // the request to the other one).
        expect(failed.filter((w) => w.beforeKill || w.afterExit)).toEqual([]);
        expect(writes.filter((w) => w.afterExit).map((w) => w.status)).toEqual(
          Array.from({ length: AFTER_EXIT }, () => 201),
        );
      },
      SLOW,
    );
  });

  describe(`two nodes on ${ENGINES[0] ?? 'sqlite'}, no TRUST_PROXY (as before it)`, () => {
    const running = clusterOfSuite(haproxy, ENGINES[0] ?? 'sqlite');

    it(
      'when client A fails sign-in 10 times, then client B is refused with 429 too: every client is the proxy',
      async () => {
        const cluster = running();
        const licenceB = await clientBRegisteredAndAExhausted(cluster);
        const fromB = await signInFromB(cluster, licenceB, PASSWORD);
        expect(codeOf(fromB)).toEqual([429, 'ERR_RATE_LIMITED']);
      },
      SLOW,
    );
  });
});
