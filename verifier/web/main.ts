/*
 * The police verifier app: scan (camera or image), verify in this browser with the core and the
 * noble backend, show the verdict full screen in words, keep keys, lists and history on the
 * device. Nothing of a scan leaves the device except, with a device token, the request for the
 * portrait.
 */
import { nobleBackend } from '../backends/noble.js';
import type { TrustStore } from '../trust-store.js';
import { DEFAULT_CLOCK_TOLERANCE, verifyPresentation } from '../verify-presentation.js';
import { REASONS, VALID, VALID_WITH_WARNINGS } from '../internal/messages.js';
import type { VerdictCode, Words } from '../report.js';
import { APP_NOTICES, UI, type AppNoticeCode } from './app-messages.js';
import { startCameraScan } from './camera-scanner.js';
import { ClockKeeper } from './clock-keeper.js';
import { decideVerdict, type Verdict } from './decide-verdict.js';
import { byId, byIdOf, h } from './dom.js';
import { fetchPortrait, type PortraitOutcome } from './fetch-portrait.js';
import { chinaDateTime, formatAge, say, type Lang } from './format.js';
import { openLocalStore } from './local-store.js';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import { createQrDecoder, decodeImageFile, type QrDecoder } from './qr-decoder.js';
import { renderVerdict } from './render-verdict.js';
import { ScanHistory } from './scan-history.js';
import { checkSettings, issuerUrlOf, loadSettings, type Settings } from './settings.js';
import { TrustData } from './trust-data.js';

const LANG_KEY = 'lz-verifier-lang';
/** Seconds between background updates of keys and lists while online. */
const REFRESH_EVERY_S = 60;
/** Seconds before a list that could not be fetched is asked for again at a scan. */
const LIST_RETRY_S = 30;

/** No keys yet: every credential's issuer is unknown. */
const NO_KEYS: TrustStore = { backend: nobleBackend, keys: [], byThumbprint: () => undefined };

type View = 'scan' | 'verdict' | 'history' | 'settings';

interface Shown {
  readonly text: string;
  readonly verdict: Verdict;
  readonly atMs: number;
  portrait: PortraitOutcome | 'loading' | undefined;
}

async function boot(): Promise<void> {
  const store = await openLocalStore();
  const clock = new ClockKeeper(store, DEFAULT_CLOCK_TOLERANCE * 1000);
  await clock.load();
  const trust = new TrustData(store, clock);
  await trust.load();
  let settings = await loadSettings(store);
  const history = new ScanHistory(store);
  let lang: Lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  let view: View = 'scan';
  let shown: Shown | undefined;
  let lastText: string | undefined;
  let scanSeq = 0;
  let verdictCount = 0;
  let refreshing: Promise<void> | undefined;
  let scanStatus: keyof typeof UI = 'starting';
  const listTried = new Map<string, number>();
  let portraitUrl: string | undefined;
  let historyArmed = false;
  /** Whether the issuer answered the last update. */
  let reached = false;

  const issuerUrl = (): string => issuerUrlOf(settings, location.origin);

  // --- the bar -------------------------------------------------------------------------------
  const renderBar = (): void => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = say(UI.title, lang);
    byId('title').textContent = say(UI.title, lang);
    byId('open-history').textContent = say(UI.history, lang);
    byId('open-settings').textContent = say(UI.settings, lang);
    const language = byId('language');
    language.textContent = say(UI.language, lang);
    language.setAttribute('aria-label', say(UI.languageName, lang));
    language.setAttribute('lang', lang === 'zh' ? 'en' : 'zh-CN');
    byId('pick-label').textContent = say(UI.pickImage, lang);
    byId('scan-status').textContent = say(UI[scanStatus], lang);
    const snap = trust.snapshot;
    const now = clock.now().nowMs;
    const keysAge =
      snap.keysFetchedAt === undefined ? undefined : (now - snap.keysFetchedAt) / 1000;
    const listTimes = [...snap.listFetchedAt.values()];
    const listAge = listTimes.length === 0 ? undefined : (now - Math.min(...listTimes)) / 1000;
    const age = (s: number | undefined): string =>
      s === undefined ? say(UI.never, lang) : formatAge(s, lang);
    const link = reached ? UI.online : navigator.onLine ? UI.unreachable : UI.offline;
    const listText =
      listAge === undefined && snap.lists.size === 0 ? say(UI.none, lang) : age(listAge);
    const status = byId('data-status');
    status.textContent = `${say(link, lang)} · ${say(UI.keys, lang)} ${age(keysAge)} · ${say(UI.lists, lang)} ${listText}`;
    byId('refresh').textContent = say(UI.refresh, lang);
    const stale =
      keysAge === undefined ||
      keysAge > settings.maxAgeS ||
      (listAge !== undefined && listAge > settings.maxAgeS);
    const strip = status.parentElement;
    strip?.classList.toggle('stale', stale);
    strip?.setAttribute(
      'data-link',
      reached ? 'online' : navigator.onLine ? 'unreachable' : 'offline',
    );
    status.dataset.keysAge = keysAge === undefined ? '' : String(Math.round(keysAge));
    status.dataset.listAge = listAge === undefined ? '' : String(Math.round(listAge));
  };

  const refresh = (): Promise<void> => {
    refreshing ??= trust
      .refresh(issuerUrl())
      .then((outcome) => {
        reached = outcome.reached;
        // New keys or lists: the code still in front of the camera gets a new verdict.
        if (outcome.changed) lastText = undefined;
      })
      .catch(() => undefined)
      .finally(() => {
        refreshing = undefined;
        renderBar();
      });
    return refreshing;
  };

  // --- views ---------------------------------------------------------------------------------
  const show = (next: View): void => {
    view = next;
    byId('verdict-view').hidden = next !== 'verdict';
    byId('history-view').hidden = next !== 'history';
    byId('settings-view').hidden = next !== 'settings';
    if (next === 'history') void renderHistory();
    if (next === 'settings') renderSettings();
  };

  const renderShown = (): void => {
    if (shown === undefined) return;
    const section = byId('verdict-view');
    section.replaceChildren(
      ...renderVerdict(shown.verdict, lang, shown.atMs),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', id: 'scan-next' }, say(UI.scanNext, lang)),
      ),
    );
    section.scrollTop = 0;
    byId('scan-next').addEventListener('click', () => {
      lastText = undefined;
      show('scan');
    });
    renderPortrait();
  };

  const renderPortrait = (): void => {
    const box = document.getElementById('portrait');
    if (box === null || shown === undefined) return;
    const outcome = shown.portrait;
    const note = (words: Words, state: string): void => {
      box.dataset.state = state;
      box.replaceChildren(h('p', {}, say(words, lang)));
    };
    if (outcome === undefined) {
      note(UI.portraitNotFetched, 'not-fetched');
      return;
    }
    if (outcome === 'loading') {
      note(UI.portraitLoading, 'loading');
      return;
    }
    switch (outcome.state) {
      case 'shown': {
        if (portraitUrl !== undefined) URL.revokeObjectURL(portraitUrl);
        portraitUrl = URL.createObjectURL(new Blob([outcome.bytes], { type: 'image/jpeg' }));
        box.dataset.state = 'shown';
        box.replaceChildren(h('img', { src: portraitUrl, alt: say(UI.portrait, lang) }));
        return;
      }
      case 'mismatch':
        note(UI.portraitMismatch, 'mismatch');
        return;
      case 'unavailable': {
        const words =
          outcome.reason === 'no-token'
            ? UI.portraitNoToken
            : outcome.reason === 'offline'
              ? UI.portraitOffline
              : outcome.reason === 'no-portrait'
                ? UI.portraitNone
                : UI.portraitError;
        note(words, 'unavailable');
        box.dataset.reason = outcome.reason;
        return;
      }
    }
  };

  // --- verifying -----------------------------------------------------------------------------
  const runCore = (text: string) => {
    const time = clock.now();
    const snap = trust.snapshot;
    const report = verifyPresentation(text, {
      trust: snap.trust ?? NO_KEYS,
      statusLists: snap.lists,
      now: new Date(time.nowMs),
      clockTolerance: DEFAULT_CLOCK_TOLERANCE,
    });
    return { report, time, snap };
  };

  const verify = async (text: string): Promise<{ verdict: Verdict; atMs: number }> => {
    let run = runCore(text);
    const credential = run.report.credential;
    if (
      credential !== undefined &&
      !run.snap.lists.has(credential.status.uri) &&
      navigator.onLine
    ) {
      // A list not seen yet (only once the issuer's signature has passed): fetch it first.
      const tried = listTried.get(credential.status.uri);
      if (tried === undefined || performance.now() - tried > LIST_RETRY_S * 1000) {
        listTried.set(credential.status.uri, performance.now());
        await trust
          .fetchList(credential.status.uri, credential.iss, issuerUrl())
          .catch(() => false);
        run = runCore(text);
        renderBar();
      }
    }
    const { report, time, snap } = run;
    const uri = report.credential?.status.uri;
    const listAt = uri === undefined ? undefined : snap.listFetchedAt.get(uri);
    const verdict = decideVerdict(report, {
      maxAgeS: settings.maxAgeS,
      ...(snap.keysFetchedAt === undefined
        ? {}
        : { keysAgeS: (time.nowMs - snap.keysFetchedAt) / 1000 }),
      ...(listAt === undefined ? {} : { listAgeS: (time.nowMs - listAt) / 1000 }),
      clock: time.state,
    });
    return { verdict, atMs: time.nowMs };
  };

  const onCode = (text: string, frameAt: number): void => {
    if (view === 'history' || view === 'settings') return;
    if (text === lastText) return; // one verdict per code
    lastText = text;
    const seq = ++scanSeq;
    void verify(text).then(({ verdict, atMs }) => {
      if (seq !== scanSeq) return; // a newer code came meanwhile
      const valid = verdict.tone !== 'invalid';
      const credential = verdict.report.credential;
      shown = {
        text,
        verdict,
        atMs,
        portrait: valid && credential !== undefined ? 'loading' : undefined,
      };
      renderShown();
      show('verdict');
      afterPaint(() => {
        // From the camera frame that held the code to the verdict painted (bench/browser.ts).
        performance.measure('lz:scan', {
          start: frameAt,
          end: performance.now(),
          detail: { tone: verdict.tone },
        });
        document.body.dataset.verdicts = String(++verdictCount);
      });
      const licence = verdict.report.licence;
      void history.add({
        at: atMs,
        tone: verdict.tone,
        ...(verdict.code === undefined ? {} : { code: verdict.code }),
        ...(licence === undefined ? {} : { masked: maskLicenceNumber(licence.licenceNumber) }),
      });
      if (shown.portrait === 'loading') {
        const current = shown;
        void fetchPortrait({
          issuerUrl: issuerUrl(),
          token: settings.token,
          presentation: text,
          portraitHash: credential?.portraitHash,
          online: navigator.onLine,
        }).then((outcome) => {
          current.portrait = outcome;
          if (shown === current) renderPortrait();
        });
      }
    });
  };

  // --- history and settings ------------------------------------------------------------------
  const renderHistory = async (): Promise<void> => {
    const entries = await history.list();
    const panel = byId('history-view');
    historyArmed = false;
    const clear = h('button', { type: 'button', id: 'history-clear' }, say(UI.historyClear, lang));
    clear.addEventListener('click', () => {
      // Two taps, so that a stray one does not erase a shift's record.
      if (!historyArmed) {
        historyArmed = true;
        clear.textContent = say(UI.historyConfirm, lang);
        return;
      }
      void history.clear().then(renderHistory);
    });
    const back = h(
      'button',
      { type: 'button', class: 'primary', id: 'history-back' },
      say(UI.close, lang),
    );
    back.addEventListener('click', () => {
      show(shown === undefined ? 'scan' : 'verdict');
    });
    panel.replaceChildren(
      h('h2', {}, say(UI.historyTitle, lang)),
      entries.length === 0
        ? h('p', { id: 'history-empty' }, say(UI.historyEmpty, lang))
        : h(
            'ol',
            { class: 'history-list', id: 'history-list' },
            ...entries.map((e) =>
              h(
                'li',
                { 'data-tone': e.tone, 'data-code': e.code },
                h('span', { class: 'dot', 'aria-hidden': 'true' }),
                h(
                  'span',
                  {},
                  `${chinaDateTime(e.at)} · ${say(verdictWords(e.tone, e.code), lang)}`,
                ),
                h('span', { class: 'number' }, e.masked ?? '—'),
              ),
            ),
          ),
      h('div', { class: 'row' }, clear, back),
    );
  };

  const renderSettings = (): void => {
    const panel = byId('settings-view');
    const issuer = h('input', {
      id: 'setting-issuer',
      type: 'url',
      inputmode: 'url',
      autocomplete: 'off',
      placeholder: location.origin,
    });
    issuer.value = settings.issuerUrl;
    const maxAge = h('input', {
      id: 'setting-max-age',
      type: 'number',
      min: '0.25',
      step: '0.25',
      inputmode: 'decimal',
    });
    maxAge.value = String(settings.maxAgeS / 3600);
    const token = h('input', { id: 'setting-token', type: 'password', autocomplete: 'off' });
    token.value = settings.token;
    const message = h('p', { class: 'message', id: 'settings-message', role: 'status' });
    const save = h(
      'button',
      { type: 'button', class: 'primary', id: 'settings-save' },
      say(UI.save, lang),
    );
    const back = h('button', { type: 'button', id: 'settings-back' }, say(UI.close, lang));
    save.addEventListener('click', () => {
      let next: Settings;
      try {
        next = checkSettings({
          issuerUrl: issuer.value,
          maxAgeS: Math.round(Number(maxAge.value) * 3600),
          token: token.value,
        });
      } catch {
        message.textContent = say(UI.invalidSetting, lang);
        return;
      }
      settings = next;
      void store.set('settings', settings).then(() => {
        message.textContent = say(UI.saved, lang);
        lastText = undefined;
        renderBar();
        void refresh();
      });
    });
    back.addEventListener('click', () => {
      show(shown === undefined ? 'scan' : 'verdict');
    });
    panel.replaceChildren(
      h('h2', {}, say(UI.settingsTitle, lang)),
      h('label', { for: 'setting-issuer' }, say(UI.issuerUrl, lang)),
      issuer,
      h('label', { for: 'setting-max-age' }, say(UI.maxAge, lang)),
      maxAge,
      h('label', { for: 'setting-token' }, say(UI.deviceToken, lang)),
      token,
      h('div', { class: 'row' }, back, save),
      message,
    );
  };

  // --- wiring --------------------------------------------------------------------------------
  byId('language').addEventListener('click', () => {
    lang = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem(LANG_KEY, lang);
    renderBar();
    renderShown();
    if (view === 'history') void renderHistory();
    if (view === 'settings') renderSettings();
  });
  byId('refresh').addEventListener('click', () => void refresh());
  byId('open-history').addEventListener('click', () => {
    show(view === 'history' ? (shown === undefined ? 'scan' : 'verdict') : 'history');
  });
  byId('open-settings').addEventListener('click', () => {
    show(view === 'settings' ? (shown === undefined ? 'scan' : 'verdict') : 'settings');
  });
  window.addEventListener('online', () => void refresh());
  window.addEventListener('offline', () => {
    reached = false;
    renderBar();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine) void refresh();
  });
  setInterval(() => {
    if (navigator.onLine && document.visibilityState === 'visible') void refresh();
    else renderBar();
  }, REFRESH_EVERY_S * 1000);

  renderBar();
  if (navigator.onLine) await refresh();
  warmUp(trust.snapshot.trust);

  const decoder: QrDecoder = await createQrDecoder();
  document.body.dataset.decoder = decoder.kind;
  const pick = byIdOf('pick-image', 'input');
  pick.addEventListener('change', () => {
    const file = pick.files?.[0];
    pick.value = '';
    if (file === undefined) return;
    const started = performance.now();
    decodeImageFile(file, decoder)
      .then((text) => {
        if (text === undefined) {
          scanStatus = 'noCodeInImage';
          renderBar();
          return;
        }
        lastText = undefined; // a picked image always gets its verdict
        onCode(text, started);
      })
      .catch(() => {
        scanStatus = 'badImage';
        renderBar();
      });
  });

  if (!window.isSecureContext) {
    scanStatus = 'insecure';
  } else {
    try {
      await startCameraScan(byIdOf('camera', 'video'), decoder, onCode);
      scanStatus = 'scanHint';
    } catch {
      scanStatus = 'noCamera';
    }
  }
  renderBar();
  document.body.dataset.ready = 'true';
}

/** The verdict of a history entry in words: the core's words for its code. */
function verdictWords(tone: Verdict['tone'], code: VerdictCode | AppNoticeCode | undefined): Words {
  if (tone === 'valid' || code === undefined) return VALID;
  if (tone === 'warning') return VALID_WITH_WARNINGS;
  return code in REASONS ? REASONS[code as VerdictCode] : APP_NOTICES[code as AppNoticeCode];
}

/** Runs `callback` once the frame with the latest DOM change has been painted. */
function afterPaint(callback: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      callback();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * The first verification pays for noble's precomputed tables (tens of ms): pay it at start,
 * with a signature that cannot verify (R the base point, S = 1), not at the first scan.
 */
function warmUp(trust: TrustStore | undefined): void {
  const key = trust?.keys[0]?.key;
  if (key === undefined) return;
  const signature = new Uint8Array(64);
  signature[0] = 0x58;
  signature.fill(0x66, 1, 32);
  signature[32] = 1;
  nobleBackend.verify(key, new Uint8Array(1), signature);
}

// The app shell offline (sw.ts); absent in the development server, where sw.js is not built.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('./sw.js', { type: 'module', scope: './' })
    .catch(() => undefined);
}
void boot();
