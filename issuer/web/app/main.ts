/*
 * The driver's app (亮证): sign-up and sign-in, the application, and once issued the licence
 * page with its dynamic QR, offline as well. Screens are in their own modules; this one wires
 * them, draws the header and decides where to start.
 */
import { api, ApiError, observeServiceTime, OfflineError, setCsrfToken } from '../common/api.js';
import { button, byId, h } from '../../../shared/web/dom.js';
import { languageButton } from '../../../shared/web/i18n.js';
import { applyScreen, setApplyTargets } from './apply.js';
import { setAfterSignIn, signInScreen } from './auth.js';
import { bindingScreen, setEnrolTargets } from './enrol.js';
import { inboxButton, inboxScreen, refreshUnread, setInboxBack } from './inbox.js';
import { forgetChoice, licenceScreen, obtainScreen } from './licence-entry.js';
import { loadClockOffset, noteServiceTime } from './phone-clock.js';
import { setShownLogBack } from './shown.js';
import { forgetAll, load } from './store.js';
import type { Me } from './replies.js';
import { errorBox, go, i18n, redraw, setSignedIn, t, type Screen } from './ui.js';

/** Where a signed-in driver starts: the licence when the phone has one, else the application. */
const homeScreen: Screen = async (main) => {
  void refreshUnread();
  if ((await load('credential')) !== undefined) {
    go(licenceScreen);
    return;
  }
  await applyScreen(main);
};

setAfterSignIn(homeScreen);
setEnrolTargets({ bound: homeScreen, signIn: (notice) => signInScreen(notice) });
setApplyTargets({ issued: obtainScreen, home: homeScreen });
setInboxBack(homeScreen);
setShownLogBack(homeScreen);

function header(): void {
  const inbox = inboxButton(() => {
    forgetChoice();
    go(inboxScreen);
  });
  const out = button({ id: 'sign-out' }, t('signOut'), () => {
    forgetChoice();
    void api('DELETE', '/api/session')
      .catch(() => undefined)
      .then(() => forgetAll())
      .then(() => {
        setCsrfToken(undefined);
        go(signInScreen());
      });
  });
  const lang = languageButton(i18n, t('switchLang'), () => {
    header();
    redraw();
  });
  document.title = t('appTitle');
  byId('bar').replaceChildren(h('h1', {}, t('appTitle')), h('nav', {}, inbox, lang, out));
}

async function start(): Promise<void> {
  header();
  // The service's time, from before the first code (the one the checker's clock keeps), read
  // from the phone's store beside the credential.
  const [held] = await Promise.all([load('credential'), loadClockOffset()]);
  observeServiceTime(noteServiceTime);
  if ('serviceWorker' in navigator)
    void navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => undefined);
  // The unread count on 消息 again whenever the phone is back online.
  window.addEventListener('online', () => {
    void refreshUnread();
  });
  // The licence shows from what the phone keeps, without waiting for the network.
  if (held !== undefined) {
    go(licenceScreen);
    if (navigator.onLine) void refreshUnread();
    return;
  }
  try {
    const me = await api<Me | { subject: 'staff' }>('GET', '/api/me');
    // A staff session (the console, in the same browser) is no driver's: sign in as one.
    if (me.subject !== 'driver') {
      go(signInScreen(t('staffSession')));
      return;
    }
    setSignedIn(true);
    go(me.licenceNumber === null ? bindingScreen : homeScreen);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) go(signInScreen());
    else if (error instanceof OfflineError) byId('main').replaceChildren(errorBox(error));
    else throw error;
  }
}

void start();
