/*
 * Web Push to the driver's browsers (RFC 8030 delivery, RFC 8291 aes128gcm encryption, RFC 8292
 * VAPID), through the `web-push` package. Issuance calls notifyDriver and must never wait on, or
 * fail because of, a push service: notifyDriver reports and never throws.
 */
import { createECDH } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import webpush from 'web-push';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import type { Db } from '../db/database.js';
import { ServiceError } from '../service-error.js';
import type { Logger } from '../logger.js';
import type { PushDestinations } from './push-destinations.js';

/** The VAPID key pair (RFC 8292 §3.2) and the contact the push services see. */
export interface PushKeys {
  /** The uncompressed P-256 public key, base64url: the browser's `applicationServerKey`. */
  readonly publicKey: string;
  readonly privateKey: string;
  /** A `mailto:` or `https:` URL (RFC 8292 §2.1). */
  readonly subject: string;
}

/** The file in DATA_DIR that keeps the generated key pair. */
export const VAPID_FILE = 'vapid.json';

/** Byte lengths (RFC 8291 §3.1, §3.2; RFC 8292 §3.2). */
const P256_POINT_BYTES = 65;
const P256_SCALAR_BYTES = 32;
const AUTH_SECRET_BYTES = 16;
/** Longest endpoint accepted; real push services use a few hundred characters. */
const MAX_ENDPOINT_LENGTH = 2048;
/**
 * Largest payload one aes128gcm record carries: 4096 (RFC 8030 §7.2) less the 86-byte header
 * with a 65-byte key id, the padding delimiter and the 16-byte tag (RFC 8291 §4).
 */
const MAX_PAYLOAD_BYTES = 4096 - 86 - 1 - 16;
/** Consecutive failed notifications after which a subscription is pruned. */
export const MAX_CONSECUTIVE_FAILURES = 3;
/** A notice is pointless after a day (the licence page shows the state anyway). */
const TTL_SECONDS = 24 * 3600;
/** Waits before the 2nd and 3rd attempt of one send. */
const RETRY_DELAYS_MS: readonly number[] = [500, 2000];
const SOCKET_TIMEOUT_MS = 10_000;

const canonicalBase64url = (bytes: number, check?: (b: Buffer) => boolean) =>
  z.string().refine(
    (s) => {
      if (!/^[A-Za-z0-9_-]+$/.test(s)) return false;
      const b = Buffer.from(s, 'base64url');
      return b.length === bytes && b.toString('base64url') === s && (check?.(b) ?? true);
    },
    { message: `expected canonical base64url of ${bytes} bytes` },
  );

/** True when `b` is an uncompressed point on P-256 (node checks the curve equation). */
function isP256Point(b: Buffer): boolean {
  if (b[0] !== 0x04) return false;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.alloc(P256_SCALAR_BYTES, 1));
    ecdh.computeSecret(b);
    return true;
  } catch {
    return false;
  }
}

const subjectSchema = z.string().refine(
  (s) => {
    if (!URL.canParse(s)) return false;
    const u = new URL(s);
    return (u.protocol === 'mailto:' && u.pathname.includes('@')) || u.protocol === 'https:';
  },
  { message: 'expected a mailto: or https: URL' },
);

const keyPairSchema = z.strictObject({
  publicKey: canonicalBase64url(P256_POINT_BYTES, isP256Point),
  privateKey: canonicalBase64url(P256_SCALAR_BYTES),
});

/**
 * The VAPID keys: from VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT when the keys are
 * given, else the pair in `dataDir/vapid.json`, generated on the first call (mode 0600, created
 * exclusively, never overwritten) with VAPID_SUBJECT as the contact.
 * @throws {ConfigError} when a variable or the file is wrong (never printing a key), or the
 *   file is readable by others.
 */
export async function openPushKeys(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<PushKeys> {
  const subject = subjectSchema.safeParse(env.VAPID_SUBJECT);
  if (!subject.success)
    throw new ConfigError(
      `VAPID_SUBJECT: expected a mailto: or https: URL, found ${env.VAPID_SUBJECT === undefined ? 'nothing' : JSON.stringify(env.VAPID_SUBJECT)}`,
    );
  if (env.VAPID_PUBLIC_KEY !== undefined || env.VAPID_PRIVATE_KEY !== undefined) {
    const pair = keyPairSchema.safeParse({
      publicKey: env.VAPID_PUBLIC_KEY,
      privateKey: env.VAPID_PRIVATE_KEY,
    });
    if (!pair.success)
      throw new ConfigError(
        `VAPID keys: ${pair.error.issues.map((i) => `VAPID_${i.path.join('.') === 'publicKey' ? 'PUBLIC' : 'PRIVATE'}_KEY: ${i.message}`).join('; ')}`,
      );
    return { ...pair.data, subject: subject.data };
  }
  const file = join(dataDir, VAPID_FILE);
  const pair = (await readKeyFile(file)) ?? (await createKeyFile(file));
  return { ...pair, subject: subject.data };
}

async function readKeyFile(file: string): Promise<z.infer<typeof keyPairSchema> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (((await stat(file)).mode & 0o077) !== 0)
    throw new ConfigError(`${file}: expected mode 0600, found one readable by others`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file}: expected JSON, found something else`);
  }
  const pair = keyPairSchema.safeParse(json);
  if (!pair.success)
    throw new ConfigError(
      `${file}: ${pair.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}`,
    );
  return pair.data;
}

async function createKeyFile(file: string): Promise<z.infer<typeof keyPairSchema>> {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  try {
    // 'wx': a key pair once handed to browsers is never replaced behind their back.
    await writeFile(file, `${JSON.stringify({ publicKey, privateKey })}\n`, {
      flag: 'wx',
      mode: 0o600,
    });
  } catch (error) {
    // Another process made it first: use its pair.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const pair = await readKeyFile(file);
      if (pair !== undefined) return pair;
    }
    throw error;
  }
  return { publicKey, privateKey };
}

/** Options of {@link subscribe}. */
export interface SubscribeOptions {
  /** Seconds since the epoch. */
  readonly now: number;
  /** The push services an endpoint may name (PUSH_HOSTS); anything else is refused. */
  readonly destinations: PushDestinations;
}

function endpointSchema(destinations: PushDestinations) {
  return z
    .string()
    .max(MAX_ENDPOINT_LENGTH, { message: `expected at most ${MAX_ENDPOINT_LENGTH} characters` })
    .refine((s) => destinations.allows(s), {
      message: 'expected an https: URL of a browser push service (PUSH_HOSTS)',
    });
}

/** The browser's `PushSubscription.toJSON()` (Push API §5.3). */
function subscriptionSchema(destinations: PushDestinations) {
  return z.strictObject({
    endpoint: endpointSchema(destinations),
    expirationTime: z.number().nullable().optional(),
    keys: z.strictObject({
      p256dh: canonicalBase64url(P256_POINT_BYTES, isP256Point),
      auth: canonicalBase64url(AUTH_SECRET_BYTES),
    }),
  });
}

/** What each field of a push subscription must be, for the 422 answer. */
export const SUBSCRIPTION_EXPECTED: Readonly<Record<string, string>> = {
  subscription:
    "a push subscription (the browser's PushSubscription.toJSON()), without unknown fields",
  endpoint: 'an https: URL of a browser push service the service allows (PUSH_HOSTS)',
  expirationTime: 'a number or null',
  keys: 'an object with p256dh and auth',
  'keys.p256dh': 'the P-256 public key, base64url of 65 bytes',
  'keys.auth': 'the auth secret, base64url of 16 bytes',
};

/**
 * Saves a browser's push subscription for a driver; the same endpoint subscribed again (by this
 * or another driver: the browser belongs to whoever subscribed last) replaces the old row.
 * Returns the subscription's id.
 * @throws {ServiceError} 422 `ERR_PUSH_SUBSCRIPTION_INVALID`, `extra.issues` naming each bad
 *   field (`endpoint`, `keys.p256dh`, …) and never echoing a value.
 */
export async function subscribe(
  db: Db,
  driverId: number,
  subscription: unknown,
  options: SubscribeOptions,
): Promise<number> {
  const parsed = subscriptionSchema(options.destinations).safeParse(subscription);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      field: i.path.join('.') || 'subscription',
      message: i.message,
    }));
    throw new ServiceError(
      422,
      'ERR_PUSH_SUBSCRIPTION_INVALID',
      `push subscription: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  const { endpoint, keys } = parsed.data;
  const row = {
    driver_id: driverId,
    p256dh: keys.p256dh,
    auth: keys.auth,
    created_at: options.now,
    failures: 0,
    last_failure_at: null,
  };
  const { id } = await db.kysely
    .insertInto('push_subscriptions')
    .values({ ...row, endpoint })
    .onConflict((oc) => oc.column('endpoint').doUpdateSet(row))
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** What notifyDriver needs. */
export interface NotifyDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly keys: PushKeys;
  /** Seconds since the epoch. */
  readonly now: () => number;
  /** Waits before the retries (default 0.5 s, 2 s). */
  readonly retryDelaysMs?: readonly number[];
  /** Where a push may go; its agent connects only to the public addresses it checked. */
  readonly destinations: PushDestinations;
}

/** A notice shown by the service worker (the payload, as JSON). */
export interface PushNotice {
  readonly title: string;
  readonly body: string;
  /** The page to open on click. */
  readonly url?: string;
  /** Replaces an earlier notice with the same tag. */
  readonly tag?: string;
}

/**
 * One notification's outcome, one count per subscription: delivered, deleted (the push service
 * said it is gone, or it failed {@link MAX_CONSECUTIVE_FAILURES} notifications in a row), or not
 * delivered and kept.
 */
export interface PushReport {
  sent: number;
  pruned: number;
  failed: number;
}

type Outcome = 'sent' | 'gone' | 'failed';

/**
 * Sends `notice` to every browser the driver subscribed, each send retried twice on a network
 * error, 429 or 5xx. Never throws: a failure is logged (endpoint origin only) and counted.
 */
export async function notifyDriver(
  deps: NotifyDeps,
  driverId: number,
  notice: PushNotice,
): Promise<PushReport> {
  const report: PushReport = { sent: 0, pruned: 0, failed: 0 };
  try {
    const payload = JSON.stringify({
      title: notice.title,
      body: notice.body,
      ...(notice.url === undefined ? {} : { url: notice.url }),
      ...(notice.tag === undefined ? {} : { tag: notice.tag }),
    });
    const subscriptions = await deps.db.kysely
      .selectFrom('push_subscriptions')
      .select(['id', 'endpoint', 'p256dh', 'auth'])
      .where('driver_id', '=', driverId)
      .execute();
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      deps.logger.error(
        { bytes: Buffer.byteLength(payload), max: MAX_PAYLOAD_BYTES },
        'push notice too large: not sent',
      );
      report.failed = subscriptions.length;
      return report;
    }
    await Promise.all(
      subscriptions.map(async (s) => {
        const outcome = await sendWithRetries(deps, s, payload);
        report[await record(deps, s.id, outcome)] += 1;
      }),
    );
  } catch (error) {
    deps.logger.error({ err: describe(error) }, 'push notification: not completed');
  }
  return report;
}

/** Sends once, and up to twice more on a failure that may pass. */
async function sendWithRetries(
  deps: NotifyDeps,
  s: { endpoint: string; p256dh: string; auth: string },
  payload: string,
): Promise<Outcome> {
  const delays = deps.retryDelaysMs ?? RETRY_DELAYS_MS;
  const origin = new URL(s.endpoint).origin;
  // Saved before PUSH_HOSTS changed, or before there was one: no longer a push service.
  if (!deps.destinations.allows(s.endpoint)) {
    deps.logger.warn({ origin }, 'push endpoint not on PUSH_HOSTS: subscription removed');
    return 'gone';
  }
  for (let attempt = 1; ; attempt += 1) {
    let status: number | undefined;
    try {
      await webpush.sendNotification(
        { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
        payload,
        {
          vapidDetails: deps.keys,
          TTL: TTL_SECONDS,
          urgency: 'normal',
          contentEncoding: 'aes128gcm',
          timeout: SOCKET_TIMEOUT_MS,
          agent: deps.destinations.agent,
        },
      );
      return 'sent';
    } catch (error) {
      // The host resolved to an address that is not public: not sent, and not tried again.
      if ((error as { code?: unknown }).code === 'ERR_PUSH_ADDRESS_REFUSED') {
        deps.logger.warn({ origin, attempt, err: describe(error) }, 'push send refused');
        return 'failed';
      }
      status = error instanceof webpush.WebPushError ? error.statusCode : undefined;
      // Never the error object: it carries the endpoint, a capability URL.
      deps.logger.warn(
        { origin, attempt, status, err: status === undefined ? describe(error) : undefined },
        'push send failed',
      );
    }
    // RFC 8030 §5: 404/410 mean the subscription has expired or been removed.
    if (status === 404 || status === 410) return 'gone';
    const transient = status === undefined || status === 429 || status >= 500;
    const delay = delays[attempt - 1];
    if (!transient || delay === undefined) return 'failed';
    await sleep(delay);
  }
}

/** Writes the outcome on the subscription; returns the report entry it counts under. */
async function record(deps: NotifyDeps, id: number, outcome: Outcome): Promise<keyof PushReport> {
  const db = deps.db.kysely;
  if (outcome === 'sent') {
    await db
      .updateTable('push_subscriptions')
      .set({ failures: 0, last_failure_at: null })
      .where('id', '=', id)
      .where('failures', '>', 0)
      .execute();
    return 'sent';
  }
  if (outcome === 'failed') {
    await db
      .updateTable('push_subscriptions')
      .set((eb) => ({ failures: eb('failures', '+', 1), last_failure_at: deps.now() }))
      .where('id', '=', id)
      .execute();
  }
  const deleted = await db
    .deleteFrom('push_subscriptions')
    .where('id', '=', id)
    .$if(outcome === 'failed', (q) => q.where('failures', '>=', MAX_CONSECUTIVE_FAILURES))
    .executeTakeFirst();
  return deleted.numDeletedRows > 0n ? 'pruned' : 'failed';
}

/** An error's class and code, never its message (which may hold an endpoint). */
function describe(error: unknown): { name: string; code?: string } {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { name: error.name, code } : { name: error.name };
}
