/*
 * The way into the licence page (licence.ts), which is loaded only when it is first shown: it
 * brings the QR drawing, the signing and the request scanner with it (most of the app's code),
 * none of which the sign-in form or the application needs, so a phone on a slow network signs in
 * without waiting for them. The service worker keeps both parts for offline use.
 */
import { OfflineError } from '../common/api.js';
import type { Screen } from './ui.js';

let page: typeof import('./licence.js') | undefined;

/**
 * The licence page's module, loaded once.
 * @throws {OfflineError} when it cannot be fetched (no network, and no service worker yet): the
 *   screen says 网络不可用, never the browser's own message.
 */
async function licencePage(): Promise<typeof import('./licence.js')> {
  try {
    page ??= await import('./licence.js');
  } catch (cause) {
    throw new OfflineError('the licence page could not be loaded', { cause });
  }
  return page;
}

/** The licence page (licence.ts: drawLicence); the same function every time, for redraw(). */
export const licenceScreen: Screen = async (main) => {
  await (await licencePage()).drawLicence(main);
};

/** Gets the credential for this phone (after issue), then shows the licence (drawObtain). */
export const obtainScreen: Screen = async (main) => {
  await (await licencePage()).drawObtain(main);
};

/** Forgets the code picked, when the licence page has been loaded (nothing to forget else). */
export function forgetChoice(): void {
  page?.forgetChoice();
}
