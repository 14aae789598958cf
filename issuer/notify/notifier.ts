/*
 * Telling a driver: an inbox entry, written in the same transaction as the change it reports,
 * then a Web Push to each subscribed browser once that transaction has committed. The inbox is
 * the record; the push is a courtesy that never blocks or undoes the change.
 */
import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { pushDestinations, type LoopbackForTests } from './push-destinations.js';
import { notifyDriver, subscribe, type PushKeys, type PushNotice } from './web-push.js';

/** One notice: what the inbox keeps and the push shows. */
export interface Notice {
  /** A stable kind for the app (`application.issued`, `application.rejected`, …). */
  readonly kind: string;
  readonly title: string;
  readonly body: string;
}

/** Test-only settings of the push sender; openService refuses them in production. */
export interface PushTestSettings {
  /**
   * Accepts endpoints on loopback, host and address, where the test push service runs, and
   * connects to it with `tls` (its self-signed certificate).
   */
  readonly allowLoopback?: boolean;
  readonly tls?: LoopbackForTests['tls'];
  /** Waits before the retries of one send (default 0.5 s, 2 s). */
  readonly retryDelaysMs?: readonly number[];
}

/** The driver-notice service of ServiceDeps. */
export interface Notifier {
  /** The VAPID public key, base64url: the browser's `applicationServerKey`. */
  readonly publicKey: string;
  /** Saves a browser's `PushSubscription.toJSON()`; 422 ERR_PUSH_SUBSCRIPTION_INVALID when wrong. */
  subscribe(driverId: number, subscription: unknown): Promise<number>;
  /** Forgets a browser; true when it was the driver's. */
  unsubscribe(driverId: number, endpoint: string): Promise<boolean>;
  /** Writes the notice to the inbox, in the caller's transaction. */
  record(trx: Transaction<Database>, driverId: number, notice: Notice, at: number): Promise<void>;
  /** Pushes the notice to the driver's browsers; call after the transaction committed. */
  push(driverId: number, notice: Notice): void;
  /** Resolves when every push started so far has finished (shutdown, tests). */
  idle(): Promise<void>;
}

/** Where the app opens a notice of this kind. */
const PAGE: Readonly<Record<string, string>> = {
  'application.issued': '/app/#licence',
  'application.rejected': '/app/#application',
};

/** Writes a notice to the driver's inbox, in the caller's transaction. */
export async function recordNotice(
  trx: Transaction<Database>,
  driverId: number,
  notice: Notice,
  at: number,
): Promise<void> {
  await trx
    .insertInto('inbox')
    .values({
      driver_id: driverId,
      at,
      kind: notice.kind,
      title: notice.title,
      body: notice.body,
      read_at: null,
    })
    .execute();
}

/** The notifier over the database and the VAPID keys. */
export function createNotifier(options: {
  readonly db: Db;
  readonly logger: Logger;
  readonly keys: PushKeys;
  readonly now: () => number;
  readonly publicUrl: string;
  /** The push services' hosts (PUSH_HOSTS). */
  readonly pushHosts: readonly string[];
  readonly test?: PushTestSettings;
}): Notifier {
  const { db, logger, keys, now, publicUrl, test } = options;
  const destinations = pushDestinations(
    options.pushHosts,
    test?.allowLoopback === true ? { tls: test.tls ?? {} } : undefined,
  );
  const inFlight = new Set<Promise<unknown>>();
  return {
    publicKey: keys.publicKey,
    subscribe: (driverId, subscription) =>
      subscribe(db, driverId, subscription, { now: now(), destinations }),
    async unsubscribe(driverId, endpoint) {
      const result = await db.kysely
        .deleteFrom('push_subscriptions')
        .where('driver_id', '=', driverId)
        .where('endpoint', '=', endpoint)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    record: recordNotice,
    push(driverId, notice) {
      const page = PAGE[notice.kind];
      const payload: PushNotice = {
        title: notice.title,
        body: notice.body,
        tag: notice.kind,
        ...(page === undefined ? {} : { url: `${publicUrl}${page}` }),
      };
      const sending = notifyDriver(
        {
          db,
          logger,
          keys,
          now,
          destinations,
          ...(test?.retryDelaysMs === undefined ? {} : { retryDelaysMs: test.retryDelaysMs }),
        },
        driverId,
        payload,
      );
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
