/*
 * The police verifier app: scan (camera or image), verify in this browser with the core and the
 * WebCrypto backend (noble's where WebCrypto has no Ed25519), show the verdict full screen in
 * words, keep keys, lists and history on the device. Nothing of a scan leaves the device except,
 * with a device token, the request for the portrait. The session (session.ts) does the work;
 * this page holds what is in view and draws it.
 */
import { afterPaint, button, byId, byIdOf, h, whole } from '../../shared/web/dom.js';
import { htmlLang, otherLang, translator } from '../../shared/web/i18n.js';
import { UI, type UiKey } from './app-messages.js';
import {
  startCameraScan,
  type CameraScan,
  type FrameTiming,
} from '../../shared/web/camera-scanner.js';
import { formatAge } from './format.js';
import { openLocalStore } from './local-store.js';
import { offlineDataBlock } from './offline-data.js';
import { renderHistory, renderSettings, settingsFormValues } from './panels.js';
import type { TokenCameraStart } from './token-scan.js';
import { createQrDecoder, decodeImageFile, type QrDecoder } from '../../shared/web/qr-decoder.js';
import { codeKind, type CodeKind } from './code-kind.js';
import {
  notLicenceAnnouncement,
  renderNotLicence,
  renderPortrait,
  renderVerdict,
  verdictAnnouncement,
  type PortraitState,
} from './render-verdict.js';
import { identityLines, renderRequest, tickRequest, type Asking } from './request-view.js';
import { VerificationSession, type Scan } from './session.js';
import { PURPOSE_WORDS } from '../../shared/sd/words.js';

/** Seconds between background updates of keys and lists while online. */
const REFRESH_EVERY_S = 60;

const i18n = translator(UI, 'lz-verifier-lang');
const t = i18n.t;

type View = 'scan' | 'verdict' | 'history' | 'settings' | 'request';

/** The last verdict, with its portrait as far as it has come. */
interface Shown {
  readonly scan: Scan;
  portrait: PortraitState;
}

/** The answer on the verdict screen: a verdict, or a code that is not an e-licence code. */
type Answer = Shown | { readonly notLicence: Exclude<CodeKind, 'presentation'> };

/** What the page shows; the rest is the session's. */
const state: {
  view: View;
  shown: Answer | undefined;
  /** The last code that was not an e-licence code: answered once, as a verdict is. */
  lastOther: string | undefined;
  scanStatus: UiKey;
  /** Verdicts painted so far (body[data-verdicts], for the tests and bench/browser.ts). */
  painted: number;
  /** What the request screen asks for. */
  asking: Asking;
  /** The camera while it runs: off while the request QR is shown. */
  camera: CameraScan | undefined;
  /**
   * Counts starts and stops of the camera: a start that ends after a stop, or after a later
   * start, is undone. The one start in the making, if any, is the one of this turn.
   */
  cameraTurn: number;
  /** Whether the camera of this turn is opening. */
  cameraOpening: boolean;
  /** Starts not yet settled, undone ones too. */
  cameraStarts: number;
  /** Whether the camera gave way to 扫码填入: it starts again with the scan or verdict screen. */
  cameraPaused: boolean;
  /** The camera of 扫码填入 in 设置, while it runs. */
  tokenCamera: CameraScan | undefined;
  /** Counts starts and stops of the token camera: a start that ends after a stop is undone. */
  tokenCameraTurn: number;
  decoder: QrDecoder | undefined;
  /** Whether the request on screen could be answered when last drawn. */
  requestActive: boolean;
} = {
  view: 'scan',
  shown: undefined,
  lastOther: undefined,
  scanStatus: 'starting',
  painted: 0,
  asking: { custom: false },
  camera: undefined,
  cameraTurn: 0,
  cameraOpening: false,
  cameraStarts: 0,
  cameraPaused: false,
  tokenCamera: undefined,
  tokenCameraTurn: 0,
  decoder: undefined,
  requestActive: false,
};

/** The bar and the status strip: labels, the link and the age of keys and lists. */
function renderBar(session: VerificationSession): void {
  document.title = t('title');
  byId('title').textContent = t('title');
  byId('open-history').textContent = t('history');
  byId('open-settings').textContent = t('settings');
  // Its name is what it shows (WCAG 2.5.3), in the language it switches to.
  const language = byId('language');
  language.textContent = t('language');
  language.setAttribute('lang', htmlLang(otherLang(i18n.lang())));
  byId('pick-label').textContent = t('pickImage');
  const openRequest = byId('open-request');
  openRequest.textContent = t('requestOpen');
  openRequest.hidden = session.identity.identity === undefined;
  const banner = byId('answer-banner');
  banner.hidden = !session.answering;
  byId('answer-hint').textContent = t('answerHint');
  byId('answer-back').textContent = t('answerBack');
  byId('scan-status').textContent = t(state.scanStatus);
  const data = session.dataStatus();
  // Old data is said in words, not by the strip's colour alone.
  byId('refresh').textContent = t(data.stale ? 'refreshStale' : 'refresh');
  const age = (s: number | undefined): string =>
    s === undefined ? t('never') : formatAge(s, i18n.lang());
  const lists = data.listAgeS === undefined && !data.hasLists ? t('none') : age(data.listAgeS);
  const status = byId('data-status');
  // Each part kept whole: a second line breaks between them, never inside "2 h ago".
  const parts = [t(data.link), `${t('keys')} ${age(data.keysAgeS)}`, `${t('lists')} ${lists}`];
  status.replaceChildren(
    ...parts.flatMap((part, i) => (i === 0 ? [whole(part)] : [' · ', whole(part)])),
  );
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
    state.lastOther = undefined;
    show(session, 'scan');
  });
  if ('notLicence' in shown) {
    const scrolled = section.scrollTop !== 0;
    section.replaceChildren(
      ...renderNotLicence(shown.notLicence, i18n),
      h('div', { class: 'actions' }, next),
    );
    if (scrolled) section.scrollTop = 0;
    return;
  }
  const role = session.identity.role;
  const parts = renderVerdict(shown.scan.verdict, i18n, shown.scan.atMs);
  // A role that is not the police's: the screen says that it shows only what the role may see.
  if (role !== 'police')
    parts.splice(
      1,
      0,
      h(
        'p',
        { id: 'role-note', class: 'role-note', 'data-role': role },
        t('roleNote', { role: i18n.say(PURPOSE_WORDS[role]) }),
      ),
    );
  // After an answer: back to the request screen (a new request is made there on demand).
  const toRequest =
    shown.scan.request === undefined
      ? undefined
      : button({ id: 'verdict-request' }, t('answerBack'), () => {
          session.forgetLastCode();
          show(session, 'request');
        });
  // Whether the last verdict was scrolled is read before the DOM changes (no layout to make
  // then); setting scrollTop makes the layout at once, and so only when it must move.
  const scrolled = section.scrollTop !== 0;
  section.replaceChildren(...parts, h('div', { class: 'actions' }, next, toRequest ?? ''));
  if (scrolled) section.scrollTop = 0;
  renderPortrait(shown.portrait, i18n);
}

async function renderHistoryView(session: VerificationSession): Promise<void> {
  renderHistory(byId('history-view'), await session.history.list(), i18n, {
    clear: () => void session.history.clear().then(() => renderHistoryView(session)),
    close: () => {
      show(session, back(session));
    },
  });
}

/**
 * Draws 设置 from the saved settings; with `keepForm`, from the form as it stands, so that
 * drawing it again (another language, 离线准备 done) keeps what was typed and not yet saved.
 */
function renderSettingsView(
  session: VerificationSession,
  prepared?: boolean,
  keepForm = false,
): void {
  const panel = byId('settings-view');
  const entered = keepForm ? settingsFormValues(panel) : undefined;
  // A token camera runs in the panel drawn now: it goes with it.
  stopTokenCamera();
  const offline = offlineDataBlock(
    session.dataStatus(),
    i18n,
    () => session.prepareOffline(),
    (reached) => {
      if (state.view === 'settings') renderSettingsView(session, reached, true);
    },
    prepared,
  );
  renderSettings(
    panel,
    entered ?? session.settings,
    i18n,
    {
      save: (entered) => session.saveSettings(entered),
      close: () => {
        show(session, back(session));
      },
      camera: {
        start: startTokenCamera,
        stop: stopTokenCamera,
      },
    },
    [
      identityLines(session.identity.identity, session.enrolment, i18n, session.identity.standing),
      offline,
    ],
  );
}

/**
 * Starts the camera of 扫码填入 on `video` with the app's scanner; the scan screen's camera gives
 * way to it (a phone opens one camera at a time) until the scan or verdict screen is back.
 */
async function startTokenCamera(
  video: HTMLVideoElement,
  onText: (text: string) => void,
): Promise<TokenCameraStart> {
  stopTokenCamera();
  const turn = state.tokenCameraTurn;
  const decoder = state.decoder;
  if (decoder === undefined) return 'noReader';
  if (!window.isSecureContext) return 'insecure';
  if (state.camera !== undefined || state.cameraOpening) {
    stopCamera();
    state.cameraPaused = true;
  }
  let scan: CameraScan;
  try {
    scan = await startCameraScan(video, decoder, onText);
  } catch {
    return 'noCamera';
  }
  // Cancelled, or 设置 left or drawn again, while the camera was opening: released at once.
  if (turn !== state.tokenCameraTurn || state.view !== 'settings' || !video.isConnected) {
    scan.stop();
    return 'left';
  }
  state.tokenCamera = scan;
  return 'started';
}

/** Stops the camera of 扫码填入 (its tracks stopped), and any start of it under way. */
function stopTokenCamera(): void {
  state.tokenCameraTurn++;
  state.tokenCamera?.stop();
  state.tokenCamera = undefined;
}

/** The request screen; a request is made when none was made yet. */
async function renderRequestView(session: VerificationSession): Promise<void> {
  const identity = session.identity.identity;
  const standing = session.identity.standing;
  if (identity !== undefined && standing === 'valid' && session.identity.lastRequest === undefined)
    await makeRequest(session);
  const request = session.identity.lastRequest;
  state.requestActive = session.identity.activeRequest(session.nowMs()) !== undefined;
  renderRequest(
    byId('request-view'),
    { identity, standing, request, active: state.requestActive, asking: state.asking },
    i18n,
    {
      ask: (asking) => {
        state.asking = asking;
        void makeRequest(session).then(() => renderRequestView(session));
      },
      renew: () => void makeRequest(session).then(() => renderRequestView(session)),
      scan: () => {
        session.answering = true;
        session.forgetLastCode();
        show(session, 'scan');
      },
      direct: () => {
        session.answering = false;
        session.forgetLastCode();
        show(session, 'scan');
      },
    },
  );
  tickRequest(request, state.requestActive, session.nowMs(), i18n);
}

/** A new request for what the officer chose (nothing when the choice is not allowed). */
async function makeRequest(session: VerificationSession): Promise<void> {
  const claims = session.identity.identity?.claims;
  if (claims === undefined) return;
  const { asking } = state;
  try {
    if (asking.custom) await session.makeRequest('custom', asking.groups);
    else await session.makeRequest(claims.role);
  } catch {
    // No group ticked, or the role's own purpose beyond the certificate: the last request stays.
  }
}

/**
 * Where a panel goes back to: the last verdict, else the request screen for a device whose main
 * way is the request (a role other than the police's), else the camera.
 */
const back = (session: VerificationSession): View =>
  state.shown !== undefined
    ? 'verdict'
    : session.identity.role !== 'police' && session.identity.identity !== undefined
      ? 'request'
      : 'scan';

/** Starts the camera when it is neither running nor opening (a new capture each time). */
async function startCamera(session: VerificationSession): Promise<void> {
  const decoder = state.decoder;
  if (state.camera !== undefined || state.cameraOpening || decoder === undefined) return;
  state.cameraPaused = false;
  if (!window.isSecureContext) {
    state.scanStatus = 'insecure';
    renderBar(session);
    return;
  }
  // Opening the camera takes a while (permission, the first frame): the request screen may be
  // opened meanwhile (the camera is to be off then), and the scan screen again after it (a new
  // start on the same video, which aborts this one's). Only the start of the current turn counts.
  const turn = ++state.cameraTurn;
  state.cameraOpening = true;
  state.cameraStarts++;
  cameraShown();
  let scan: CameraScan | undefined;
  try {
    // The next frame is read once this one's answer is on screen.
    scan = await startCameraScan(byIdOf('camera', 'video'), decoder, (text, timing) =>
      onCode(session, text, timing),
    );
  } catch {
    // A start undone meanwhile says nothing: its AbortError is not a missing camera.
    if (turn === state.cameraTurn) state.scanStatus = 'noCamera';
  }
  state.cameraStarts--;
  if (turn !== state.cameraTurn) {
    scan?.stop();
    cameraShown();
    return;
  }
  state.cameraOpening = false;
  state.camera = scan;
  if (scan !== undefined) state.scanStatus = 'scanHint';
  cameraShown();
  renderBar(session);
}

/**
 * Stops the camera, or undoes its start (while the request QR is shown: the device is held up to
 * the holder).
 */
function stopCamera(): void {
  state.cameraTurn++;
  state.cameraOpening = false;
  state.camera?.stop();
  state.camera = undefined;
  cameraShown();
}

/**
 * The camera's state on the page, for tests and tools (body[data-camera]): on, opening (a start
 * not yet settled, an undone one too), or off.
 */
function cameraShown(): void {
  document.body.dataset.camera =
    state.camera !== undefined ? 'on' : state.cameraStarts > 0 ? 'opening' : 'off';
}

/**
 * Shows `next` (the verdict screen is drawn when a verdict comes, not here); `keepForm`: 设置
 * drawn again keeps its unsaved input.
 */
function show(session: VerificationSession, next: View, keepForm = false): void {
  state.view = next;
  // The token camera is 设置's: leaving it (or drawing it again) releases the camera.
  stopTokenCamera();
  // The camera runs on under the screen in front; it is out of reach of keys and screen readers.
  byId('scan-view').inert = next !== 'scan';
  byId('verdict-view').hidden = next !== 'verdict';
  byId('history-view').hidden = next !== 'history';
  byId('settings-view').hidden = next !== 'settings';
  byId('request-view').hidden = next !== 'request';
  if (next === 'history') void renderHistoryView(session);
  if (next === 'settings') renderSettingsView(session, undefined, keepForm);
  if (next === 'request') {
    stopCamera();
    session.answering = false;
    void renderRequestView(session);
  }
  if (next === 'scan' || (next === 'verdict' && state.cameraPaused)) void startCamera(session);
  renderBar(session);
}

/**
 * The steps of a scan, each in ms, in order (bench/browser.ts prints them): the frame waiting for
 * the page, its pixels taken, the code read, verified and judged, the verdict drawn into the page,
 * and painted. Their sum is the scan's measure `lz:scan`.
 */
interface ScanStages {
  readonly wait: number;
  readonly capture: number;
  readonly decode: number;
  readonly verify: number;
  readonly render: number;
  readonly paint: number;
}

/** A code read (timing: when its frame, or the picture picked, went through each step): its verdict in view. */
function onCode(
  session: VerificationSession,
  text: string,
  timing: FrameTiming,
): Promise<void> | undefined {
  if (state.view === 'history' || state.view === 'settings' || state.view === 'request')
    return undefined;
  const kind = codeKind(text);
  if (kind !== 'presentation') {
    // Not verified, not in the history: a neutral answer, once per code in view.
    if (text === state.lastOther) return undefined;
    state.lastOther = text;
    state.shown = { notLicence: kind };
    const verifiedAt = performance.now();
    renderVerdictView(session);
    show(session, 'verdict');
    return painted(notLicenceAnnouncement(kind, i18n), 'none', timing, verifiedAt);
  }
  state.lastOther = undefined;
  return session.scan(text).then((scan) => {
    // A panel opened while the code was verified stays in view.
    if (scan === undefined || (state.view !== 'scan' && state.view !== 'verdict')) return;
    const verifiedAt = performance.now();
    const shown: Shown = {
      scan,
      portrait: scan.wantsPortrait ? 'loading' : scan.portraitShown ? undefined : 'withheld',
    };
    state.shown = shown;
    renderVerdictView(session);
    show(session, 'verdict');
    const done = painted(
      verdictAnnouncement(scan.verdict, i18n),
      scan.verdict.tone,
      timing,
      verifiedAt,
    );
    if (scan.wantsPortrait)
      void session.portrait(scan).then((outcome) => {
        shown.portrait = outcome;
        if (state.shown === shown) renderPortrait(outcome, i18n);
      });
    return done;
  });
}

/**
 * Once the answer is painted: it is said to a screen reader (the live region, emptied first so
 * that the same words again are said again), measured from the camera frame that held the code
 * with its steps (bench/browser.ts), and counted (body[data-verdicts]). Resolves then.
 */
function painted(
  words: string,
  tone: string,
  timing: FrameTiming,
  verifiedAt: number,
): Promise<void> {
  const announce = byId('announce');
  announce.textContent = '';
  const renderedAt = performance.now();
  return new Promise((resolve) => {
    afterPaint(() => {
      announce.textContent = words;
      const end = performance.now();
      const stages: ScanStages = {
        wait: timing.takenAt - timing.frameAt,
        capture: timing.pixelsAt - timing.takenAt,
        decode: timing.readAt - timing.pixelsAt,
        verify: verifiedAt - timing.readAt,
        render: renderedAt - verifiedAt,
        paint: end - renderedAt,
      };
      performance.measure('lz:scan', {
        start: timing.frameAt,
        end,
        detail: { tone, stages, capture: timing.capture },
      });
      document.body.dataset.verdicts = String(++state.painted);
      resolve();
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
  let hadIdentity = session.identity.identity !== undefined;
  let hadStanding = session.identity.standing;
  session.onChange = () => {
    renderBar(session);
    // The settings say how the last enrolment went (enrolled, refused …): only that block is
    // drawn again, so the form, its words (已保存, a token read) and the token camera stay.
    if (state.view === 'settings')
      byId('identity').replaceWith(
        identityLines(
          session.identity.identity,
          session.enrolment,
          i18n,
          session.identity.standing,
        ),
      );
    const has = session.identity.identity !== undefined;
    const standing = session.identity.standing;
    // Revoked or suspended (or enrolled again): the request screen says so instead of its QR.
    if (standing !== hadStanding) {
      hadStanding = standing;
      if (state.view === 'request') void renderRequestView(session);
    }
    if (has === hadIdentity) return;
    // Just enrolled (or forgotten): the request screen says so; a device whose role is not the
    // police's starts on the request screen.
    hadIdentity = has;
    if (state.view === 'request') void renderRequestView(session);
    if (state.view === 'scan' && !session.answering && back(session) === 'request')
      show(session, 'request');
  };
  const toggle = (panel: View) => () => {
    show(session, state.view === panel ? back(session) : panel);
  };
  byId('language').addEventListener('click', () => {
    i18n.setLang(otherLang(i18n.lang()));
    // The last answer was said in the other language: its words leave the live region rather
    // than be read in this language's voice.
    byId('announce').textContent = '';
    renderBar(session);
    renderVerdictView(session);
    show(session, state.view, true);
  });
  byId('refresh').addEventListener('click', () => void session.refresh());
  byId('open-request').addEventListener('click', () => {
    show(session, 'request');
  });
  byId('answer-back').addEventListener('click', () => {
    show(session, 'request');
  });
  // The countdown of the request on screen; when it runs out the QR greys.
  setInterval(() => {
    if (state.view !== 'request') return;
    const active = session.identity.activeRequest(session.nowMs()) !== undefined;
    if (active !== state.requestActive) void renderRequestView(session);
    else tickRequest(session.identity.lastRequest, active, session.nowMs(), i18n);
  }, 1000);
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

  // Without a reader (its WebAssembly did not load: a build without it, or a policy that forbids
  // it) the app says so rather than waiting for the camera; the rest of it still works.
  const decoder = await createQrDecoder().catch(() => undefined);
  state.decoder = decoder;
  document.body.dataset.decoder = decoder?.kind ?? 'none';
  if (decoder === undefined) state.scanStatus = 'noReader';
  const scanStatus = (key: UiKey) => {
    state.scanStatus = key;
    renderBar(session);
  };
  const pick = byIdOf('pick-image', 'input');
  pick.addEventListener('change', () => {
    const file = pick.files?.[0];
    pick.value = '';
    if (file === undefined) return;
    if (decoder === undefined) {
      scanStatus('noReader');
      return;
    }
    const started = performance.now();
    decodeImageFile(file, decoder).then(
      (text) => {
        if (text === undefined) {
          scanStatus('noCodeInImage');
          return;
        }
        // A picked image always gets its answer.
        session.forgetLastCode();
        state.lastOther = undefined;
        // A picture has no frame to wait for: its reading is all decode.
        const at = { frameAt: started, takenAt: started, pixelsAt: started };
        void onCode(session, text, { ...at, readAt: performance.now(), capture: 'canvas' });
      },
      () => {
        scanStatus('badImage');
      },
    );
  });

  // The police scan directly by default; another role starts with its request.
  if (back(session) === 'request' && state.view === 'scan') show(session, 'request');
  else if (state.view === 'scan') await startCamera(session);
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
