/*
 * The police verifier app: scan (camera or image), verify in this browser with the core and the
 * noble backend, show the verdict full screen in words, keep keys, lists and history on the
 * device. Nothing of a scan leaves the device except, with a device token, the request for the
 * portrait. The session (session.ts) does the work; this page holds what is in view and draws it.
 */
import { afterPaint, button, byId, byIdOf, h } from '../../shared/web/dom.js';
import { htmlLang, otherLang, translator } from '../../shared/web/i18n.js';
import { UI, type UiKey } from './app-messages.js';
import { startCameraScan } from '../../shared/web/camera-scanner.js';
import { formatAge } from './format.js';
import { openLocalStore } from './local-store.js';
import { renderHistory, renderSettings } from './panels.js';
import { createQrDecoder, decodeImageFile } from '../../shared/web/qr-decoder.js';
import { renderPortrait, renderVerdict, type PortraitState } from './render-verdict.js';
import { VerificationSession, type Scan } from './session.js';

/** Seconds between background updates of keys and lists while online. */
const REFRESH_EVERY_S = 60;

const i18n = translator(UI, 'lz-verifier-lang');
const t = i18n.t;

type View = 'scan' | 'verdict' | 'history' | 'settings';

/** The last verdict, with its portrait as far as it has come. */
interface Shown {
  readonly scan: Scan;
  portrait: PortraitState;
}

/** What the page shows; the rest is the session's. */
const state: {
  view: View;
  shown: Shown | undefined;
  scanStatus: UiKey;
  /** Verdicts painted so far (body[data-verdicts], for the tests and bench/browser.ts). */
  painted: number;
} = { view: 'scan', shown: undefined, scanStatus: 'starting', painted: 0 };

/** The bar and the status strip: labels, the link and the age of keys and lists. */
function renderBar(session: VerificationSession): void {
  document.title = t('title');
  byId('title').textContent = t('title');
  byId('open-history').textContent = t('history');
  byId('open-settings').textContent = t('settings');
  const language = byId('language');
  language.textContent = t('language');
  language.setAttribute('aria-label', t('languageName'));
  language.setAttribute('lang', htmlLang(otherLang(i18n.lang())));
  byId('pick-label').textContent = t('pickImage');
  byId('scan-status').textContent = t(state.scanStatus);
  byId('refresh').textContent = t('refresh');
  const data = session.dataStatus();
  const age = (s: number | undefined): string =>
    s === undefined ? t('never') : formatAge(s, i18n.lang());
  const lists = data.listAgeS === undefined && !data.hasLists ? t('none') : age(data.listAgeS);
  const status = byId('data-status');
  status.textContent = `${t(data.link)} · ${t('keys')} ${age(data.keysAgeS)} · ${t('lists')} ${lists}`;
  status.parentElement?.classList.toggle('stale', data.stale);
  status.parentElement?.setAttribute('data-link', data.link);
  const seconds = (s: number | undefined) => (s === undefined ? '' : String(Math.round(s)));
  status.dataset.keysAge = seconds(data.keysAgeS);
  status.dataset.listAge = seconds(data.listAgeS);
}

/** The verdict screen of the last scan. */
function renderVerdictView(session: VerificationSession): void {
  const shown = state.shown;
  if (shown === undefined) return;
  const section = byId('verdict-view');
  const next = button({ id: 'scan-next' }, t('scanNext'), () => {
    session.forgetLastCode();
    show(session, 'scan');
  });
  section.replaceChildren(
    ...renderVerdict(shown.scan.verdict, i18n, shown.scan.atMs),
    h('div', { class: 'actions' }, next),
  );
  section.scrollTop = 0;
  renderPortrait(shown.portrait, i18n);
}

async function renderHistoryView(session: VerificationSession): Promise<void> {
  renderHistory(byId('history-view'), await session.history.list(), i18n, {
    clear: () => void session.history.clear().then(() => renderHistoryView(session)),
    close: () => {
      show(session, back());
    },
  });
}

function renderSettingsView(session: VerificationSession): void {
  renderSettings(byId('settings-view'), session.settings, i18n, {
    save: (entered) => session.saveSettings(entered),
    close: () => {
      show(session, back());
    },
  });
}

/** Where a panel goes back to: the last verdict, else the camera. */
const back = (): View => (state.shown === undefined ? 'scan' : 'verdict');

/** Shows `next` (the verdict screen is drawn when a verdict comes, not here). */
function show(session: VerificationSession, next: View): void {
  state.view = next;
  byId('verdict-view').hidden = next !== 'verdict';
  byId('history-view').hidden = next !== 'history';
  byId('settings-view').hidden = next !== 'settings';
  if (next === 'history') void renderHistoryView(session);
  if (next === 'settings') renderSettingsView(session);
}

/** A code read at `frameAt` (performance.now of the frame or the pick): its verdict in view. */
function onCode(session: VerificationSession, text: string, frameAt: number): void {
  if (state.view === 'history' || state.view === 'settings') return;
  void session.scan(text).then((scan) => {
    if (scan === undefined) return;
    const shown: Shown = {
      scan,
      portrait: scan.wantsPortrait ? 'loading' : scan.portraitShown ? undefined : 'withheld',
    };
    state.shown = shown;
    renderVerdictView(session);
    show(session, 'verdict');
    afterPaint(() => {
      // From the camera frame that held the code to the verdict painted (bench/browser.ts).
      performance.measure('lz:scan', {
        start: frameAt,
        end: performance.now(),
        detail: { tone: scan.verdict.tone },
      });
      document.body.dataset.verdicts = String(++state.painted);
    });
    if (!scan.wantsPortrait) return;
    void session.portrait(scan).then((outcome) => {
      shown.portrait = outcome;
      if (state.shown === shown) renderPortrait(outcome, i18n);
    });
  });
}

/** Opens the session, wires the page, then starts the camera. */
async function boot(): Promise<void> {
  const session = await VerificationSession.open({
    store: openLocalStore(),
    origin: location.origin,
    online: () => navigator.onLine,
    monoMs: () => performance.now(),
  });
  session.onChange = () => {
    renderBar(session);
  };
  const toggle = (panel: View) => () => {
    show(session, state.view === panel ? back() : panel);
  };
  byId('language').addEventListener('click', () => {
    i18n.setLang(otherLang(i18n.lang()));
    renderBar(session);
    renderVerdictView(session);
    show(session, state.view);
  });
  byId('refresh').addEventListener('click', () => void session.refresh());
  byId('open-history').addEventListener('click', toggle('history'));
  byId('open-settings').addEventListener('click', toggle('settings'));
  window.addEventListener('online', () => void session.refresh());
  window.addEventListener('offline', () => {
    session.wentOffline();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine) void session.refresh();
  });
  setInterval(() => {
    if (navigator.onLine && document.visibilityState === 'visible') void session.refresh();
    else renderBar(session);
  }, REFRESH_EVERY_S * 1000);

  renderBar(session);
  if (navigator.onLine) await session.refresh();
  session.warmUp();

  const decoder = await createQrDecoder();
  document.body.dataset.decoder = decoder.kind;
  const scanStatus = (key: UiKey) => {
    state.scanStatus = key;
    renderBar(session);
  };
  const pick = byIdOf('pick-image', 'input');
  pick.addEventListener('change', () => {
    const file = pick.files?.[0];
    pick.value = '';
    if (file === undefined) return;
    const started = performance.now();
    decodeImageFile(file, decoder).then(
      (text) => {
        if (text === undefined) {
          scanStatus('noCodeInImage');
          return;
        }
        session.forgetLastCode(); // a picked image always gets its verdict
        onCode(session, text, started);
      },
      () => {
        scanStatus('badImage');
      },
    );
  });

  if (!window.isSecureContext) state.scanStatus = 'insecure';
  else
    try {
      await startCameraScan(byIdOf('camera', 'video'), decoder, (text, frameAt) => {
        onCode(session, text, frameAt);
      });
      state.scanStatus = 'scanHint';
    } catch {
      state.scanStatus = 'noCamera';
    }
  renderBar(session);
  document.body.dataset.ready = 'true';
}

// The app shell offline (sw.ts); absent in the development server, where sw.js is not built.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('./sw.js', { type: 'module', scope: './' })
    .catch(() => undefined);
}
void boot();
