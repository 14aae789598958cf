/*
 * The driver's app (亮证): sign-up and sign-in, the application, and once issued the licence
 * page with its dynamic QR, offline as well. Screens are in their own modules; this one wires
 * them, draws the header and decides where to start.
 */
import { api, ApiError, OfflineError, setCsrfToken } from '../common/api.js';
import { byId, h } from '../common/dom.js';
import { applyScreen, setApplyTargets } from './apply.js';
import { setAfterSignIn, signInScreen } from './auth.js';
import { inboxScreen, setInboxBack } from './inbox.js';
import { licenceScreen, obtainScreen } from './licence.js';
import { forgetAll, load } from './store.js';
import { errorBox, go, i18n, redraw, setSignedIn, t, type Screen } from './ui.js';

/** Where a signed-in driver starts: the licence when the phone has one, else the application. */
const homeScreen: Screen = async (main) => {
  if ((await load('credential')) !== undefined) {
    go(licenceScreen);
    return;
  }
  await applyScreen(main);
};

setAfterSignIn(homeScreen);
setApplyTargets({ issued: obtainScreen, home: homeScreen });
setInboxBack(homeScreen);

function header(): void {
  const bar = byId('bar');
  const lang = h(
    'button',
    { type: 'button', id: 'language', lang: i18n.lang() === 'zh' ? 'en' : 'zh' },
    t('switchLang'),
  );
  lang.addEventListener('click', () => {
    i18n.setLang(i18n.lang() === 'zh' ? 'en' : 'zh');
    header();
    redraw();
  });
  const inbox = h('button', { type: 'button', id: 'open-inbox' }, t('inbox'));
  inbox.addEventListener('click', () => {
    go(inboxScreen);
  });
  const out = h('button', { type: 'button', id: 'sign-out' }, t('signOut'));
  out.addEventListener('click', () => {
    void api('DELETE', '/api/session')
      .catch(() => undefined)
      .then(() => forgetAll())
      .then(() => {
        setCsrfToken(undefined);
        go(signInScreen());
      });
  });
  document.title = t('appTitle');
  bar.replaceChildren(h('h1', {}, t('appTitle')), h('nav', {}, inbox, lang, out));
}

async function start(): Promise<void> {
  header();
  if ('serviceWorker' in navigator)
    void navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => undefined);
  // The licence shows from what the phone keeps, without waiting for the network.
  if ((await load('credential')) !== undefined) {
    go(licenceScreen);
    return;
  }
  try {
    await api('GET', '/api/me');
    setSignedIn(true);
    go(homeScreen);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) go(signInScreen());
    else if (error instanceof OfflineError) byId('main').replaceChildren(errorBox(error));
    else throw error;
  }
}

void start();
