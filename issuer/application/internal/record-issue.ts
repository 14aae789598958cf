import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ServiceDeps } from '../../deps.js';
import { notifyDriver } from '../../notify/web-push.js';
import { adoptApplicationPhoto } from '../../portraits/adopt-application-photo.js';

/** The title of the notice of issue, as the national app words it. */
export const ISSUED_TITLE = '电子驾驶证已签发';
const ISSUED_BODY = '您的电子驾驶证已生成，可在“我的驾驶证”中查看。';

/**
 * What issuing an e-licence records, in the application's transaction: the photo becomes the
 * licence's portrait (bytes and hash, see adoptApplicationPhoto), and the driver's inbox gets
 * the notice.
 */
export async function recordIssue(
  trx: Transaction<Database>,
  issue: {
    readonly driverId: number;
    readonly licenceNumber: string;
    readonly photoHash: string;
    readonly now: number;
  },
): Promise<void> {
  await adoptApplicationPhoto(trx, issue);
  await trx
    .insertInto('inbox')
    .values({
      driver_id: issue.driverId,
      at: issue.now,
      kind: 'application.issued',
      title: ISSUED_TITLE,
      body: ISSUED_BODY,
      read_at: null,
    })
    .execute();
}

/**
 * Pushes the notice of issue when Web Push is configured. Never awaited by the caller and never
 * throws: the inbox already holds the notice.
 */
export function pushIssued(
  deps: Pick<ServiceDeps, 'db' | 'logger' | 'now' | 'pushKeys'>,
  driverId: number,
): void {
  const keys = deps.pushKeys;
  if (keys === undefined) return;
  void notifyDriver({ db: deps.db, logger: deps.logger, keys, now: deps.now }, driverId, {
    title: ISSUED_TITLE,
    body: ISSUED_BODY,
    tag: 'application',
  });
}
