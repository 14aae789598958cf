import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ServiceDeps } from '../../deps.js';
import { recordNotice, type Notice } from '../../notify/notifier.js';
import { adoptApplicationPhoto } from '../../portraits/adopt-application-photo.js';

/**
 * The notice of issue. It names what the driver's app shows (test/issuer/web/notice-words.test.ts
 * checks each quoted name against the app's words): the licence on the app's first screen, and
 * 向谁出示？, where a code is shown.
 */
export const ISSUED_NOTICE: Notice = {
  kind: 'application.issued',
  title: '电子驾驶证已签发',
  body: '您的电子驾驶证已生成：打开“亮证”，首页即显示驾驶证；出示时在“向谁出示？”中选择核验方。',
};

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
  await recordNotice(trx, issue.driverId, ISSUED_NOTICE, issue.now);
}

/** Pushes the notice of issue, after the issuing transaction committed; never blocks it. */
export function pushIssued(deps: Pick<ServiceDeps, 'notifier'>, driverId: number): void {
  deps.notifier.push(driverId, ISSUED_NOTICE);
}
