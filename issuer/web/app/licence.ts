/*
 * The licence page: the card as printed (fields from the credential itself, so it shows
 * offline), and the dynamic QR made on the phone with the device key every few seconds, black
 * when the licence is normal and red when it is not, with its generation time and a countdown.
 */
import { createPresentation } from '../../../shared/create-presentation.js';
import type { CredentialClaims } from '../../../shared/credential.js';
import { LICENCE_STATUS } from '../../../shared/licence/codes.js';
import { unusableAt } from '../../../shared/usability.js';
import { api, ApiError, OfflineError } from '../common/api.js';
import { chinaClock, chinaDateTime } from '../../../shared/china-time.js';
import { button, h } from '../../../shared/web/dom.js';
import { latestApplication, photoChangeScreen, stateBlock } from './apply.js';
import { signInScreen } from './auth.js';
import { deviceKeyPair, webCryptoSigner } from './device-key.js';
import { ensureDevice, fetchCredential, fetchPortrait, fetchStatus, refreshAll } from './holder.js';
import { QR_COLOURS, drawQr } from './qr-canvas.js';
import { readCredential } from './read-credential.js';
import { load, type Kept } from './store.js';
import { errorBox, go, i18n, onLeave, reasonText, redraw, t, type Screen } from './ui.js';
import type { Me } from './replies.js';

/** A new QR every this many seconds; the verifier accepts a proof for 60 s. */
export const DEFAULT_QR_SECONDS = 30;

/** The QR interval: `?qr=N` or localStorage `lz-qr-seconds`, 5–55 s, else 30. */
function qrSeconds(): number {
  const asked = Number(
    new URLSearchParams(location.search).get('qr') ?? localStorage.getItem('lz-qr-seconds'),
  );
  return Number.isInteger(asked) && asked >= 5 && asked <= 55 ? asked : DEFAULT_QR_SECONDS;
}

/** Gets the credential for this phone (after issue), then shows the licence. */
export const obtainScreen: Screen = async (main) => {
  main.append(h('p', { class: 'notice' }, t('fetchingLicence')));
  const me = await api<Me>('GET', '/api/me');
  const deviceId = await ensureDevice(`driver:${me.driverId}`);
  await fetchCredential(deviceId);
  await fetchStatus();
  const kept = await load('credential');
  if (kept !== undefined)
    await fetchPortrait(readCredential(kept.text).portraitHash).catch(() => undefined);
  go(licenceScreen);
};

/** Why the licence is not normal, from the last status check or the credential; undefined when it is. */
function alertOf(claims: CredentialClaims, status: Kept['status'] | undefined): string | undefined {
  const now = Date.now() / 1000;
  if (now >= claims.exp) return t('reason_expired');
  // The registry's word is newer than the credential's, when the phone has one.
  if (status !== undefined && status.at / 1000 >= claims.iat) {
    if (status.usable) return undefined;
    return status.reason === 'not-normal' || status.reason === null
      ? i18n.say(status.label)
      : reasonText(status.reason);
  }
  const refusal = unusableAt(claims.licence, new Date());
  if (refusal === undefined) return undefined;
  // The dates and the points in words; a status other than A with its own label (暂扣, 锁定, …).
  const dated = refusal.reason === 'expired' || refusal.reason === 'not-yet-valid';
  return dated || claims.licence.status === 'A'
    ? reasonText(refusal.reason)
    : i18n.say(LICENCE_STATUS[claims.licence.status]);
}

function card(claims: CredentialClaims, portrait: Kept['portrait'] | undefined): HTMLElement {
  const l = claims.licence;
  const row = (label: string, value: string, id: string, wide = false) =>
    h('div', { class: wide ? 'row wide' : 'row' }, h('dt', {}, label), h('dd', { id }, value));
  let photo: HTMLElement = h('div', { class: 'photo placeholder' });
  if (portrait !== undefined) {
    const url = URL.createObjectURL(portrait.blob);
    onLeave(() => {
      URL.revokeObjectURL(url);
    });
    photo = h('img', { class: 'photo', src: url, alt: t('f_name') });
  }
  const validTo = l.validTo === 'long-term' ? t('longTerm') : l.validTo;
  return h(
    'section',
    { class: 'licence', id: 'licence-card' },
    h('header', {}, h('h2', {}, t('licenceTitle')), h('p', {}, t('licenceSubtitle'))),
    h(
      'div',
      { class: 'licence-body' },
      h(
        'dl',
        { class: 'licence-fields' },
        row(t('f_no'), l.licenceNumber, 'f-no', true),
        row(t('f_name'), l.name, 'f-name'),
        row(t('f_sex'), l.sex === 'M' ? t('sexM') : t('sexF'), 'f-sex'),
        row(t('f_nationality'), nationality(l.nationality), 'f-nationality'),
        row(t('f_address'), l.address, 'f-address', true),
        row(t('f_birth'), l.birthDate, 'f-birth'),
        row(t('f_first'), l.firstIssueDate, 'f-first'),
        row(t('f_classes'), l.classes.join(''), 'f-classes'),
        row(t('f_points'), t('pointsValue', { points: l.points }), 'f-points'),
        row(t('f_validity'), t('validTo', { from: l.validFrom, to: validTo }), 'f-validity', true),
        row(t('f_authority'), l.issuingAuthority, 'f-authority', true),
        row(t('f_file'), l.fileNumber, 'f-file', true),
      ),
      photo,
    ),
  );
}

/** The country's name for the codes seen on licences, else the ISO 3166-1 alpha-3 code. */
function nationality(code: string): string {
  const key = `nationality_${code}`;
  return i18n.has(key) ? t(key) : code;
}

/** The licence page. */
export const licenceScreen: Screen = async (main) => {
  const kept = await load('credential');
  if (kept === undefined) {
    go(obtainScreen);
    return;
  }
  const claims = readCredential(kept.text);
  const status = await load('status');
  const portrait = await load('portrait');
  const alert = alertOf(claims, status);
  const expired = Date.now() / 1000 >= claims.exp;

  const qrBox = h('section', {
    class: `qr-box${alert === undefined ? '' : ' alert'}`,
    id: 'qr-box',
  });
  const net = h('p', { class: 'net', id: 'net-state' });
  const pending = h('div', { id: 'pending' });
  const change = button({ class: 'secondary', id: 'change-photo' }, t('changePhoto'), () => {
    go(photoChangeScreen);
  });
  main.append(qrBox, net, pending, card(claims, portrait), h('div', { class: 'actions' }, change));

  const lastUpdate = Math.max(kept.refreshedAt, status?.at ?? 0);
  net.textContent = navigator.onLine
    ? t('onlineUpdated', { time: chinaDateTime(lastUpdate, 'minute') })
    : t('offlineSince', { time: chinaDateTime(lastUpdate, 'minute') });
  if (!navigator.onLine) net.classList.add('offline');

  const movedAway = await load('movedAway');
  if (movedAway !== undefined) {
    // Superseded: the code would verify as 已失效. Moving it back is the driver's choice.
    const useHere = button({ class: 'primary', id: 'use-here' }, t('useHere'), () => {
      go(obtainScreen);
    });
    qrBox.classList.add('alert');
    qrBox.append(h('p', { class: 'moved', id: 'moved-away' }, t('movedAway')), useHere);
  } else if (expired) {
    qrBox.append(
      h(
        'p',
        { class: 'expired', id: 'qr-expired' },
        t('credentialExpired', { time: chinaDateTime(claims.exp * 1000, 'minute') }),
      ),
      h('p', {}, t('credentialExpiredOffline')),
    );
  } else {
    await showQr(qrBox, kept.text, alert);
  }

  if (navigator.onLine) void refreshInBackground(claims, pending);
  const onOnline = () => {
    redraw();
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOnline);
  onLeave(() => {
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOnline);
  });
};

/** Refreshes status, credential and portrait online; redraws when what is shown changed. */
async function refreshInBackground(before: CredentialClaims, pending: HTMLElement): Promise<void> {
  const oldStatus = await load('status');
  try {
    const changed = await refreshAll();
    const status = await load('status');
    const kept = await load('credential');
    const after = kept === undefined ? before : readCredential(kept.text);
    const app = await latestApplication();
    if (app !== undefined && !['issued', 'abandoned'].includes(app.state)) {
      pending.replaceChildren(
        h('div', { class: 'card pending' }, h('p', {}, t('photoChangePending')), stateBlock(app)),
      );
    }
    if (
      changed ||
      alertOf(before, oldStatus) !== alertOf(after, status) ||
      oldStatus?.status !== status?.status
    )
      redraw(licenceScreen);
  } catch (error) {
    if (error instanceof OfflineError) return;
    if (error instanceof ApiError && error.status === 401) {
      const again = button({ class: 'link' }, t('err_ERR_UNAUTHENTICATED'), () => {
        go(signInScreen());
      });
      pending.replaceChildren(again);
      return;
    }
    pending.replaceChildren(errorBox(error));
  }
}

/** The QR, made again every interval, with its time and a countdown; the screen kept on. */
async function showQr(
  box: HTMLElement,
  credential: string,
  alert: string | undefined,
): Promise<void> {
  const signer = await webCryptoSigner(await deviceKeyPair());
  const colour = alert === undefined ? QR_COLOURS.normal : QR_COLOURS.alert;
  const canvas = h('canvas', { id: 'qr', role: 'img', 'aria-label': t('qrTitle') });
  const generated = h('p', { class: 'qr-time', id: 'qr-time' });
  const countdown = h('span', { id: 'qr-countdown' });
  const statusLine = h(
    'p',
    { class: 'qr-status', id: 'qr-status' },
    alert === undefined ? t('qrStatusNormal') : t('qrStatusAlert', { label: alert }),
  );
  box.append(
    h('h3', {}, t('qrTitle')),
    h('div', { class: 'qr-frame' }, canvas),
    generated,
    h('p', { class: 'qr-countdown' }, countdown),
    statusLine,
    h('p', { class: 'hint' }, t('brightness')),
  );
  const interval = qrSeconds();
  let madeAt = 0;
  const size = Math.min(360, document.documentElement.clientWidth - 32);
  const make = async () => {
    const now = new Date();
    const text = await createPresentation(credential, signer, { now });
    drawQr(canvas, text, size, colour);
    canvas.dataset.presentation = text;
    madeAt = now.getTime();
    generated.textContent = t('qrGenerated', { time: chinaClock(madeAt) });
  };
  const tick = () => {
    const left = Math.max(0, interval - Math.floor((Date.now() - madeAt) / 1000));
    countdown.textContent = t('qrCountdown', { seconds: left });
    if (left === 0) void make().then(tick);
  };
  await make();
  tick();
  const timer = window.setInterval(tick, 1000);
  onLeave(() => {
    window.clearInterval(timer);
  });
  keepAwake();
}

/** The Screen Wake Lock API, where the browser has it: the code stays on screen. */
function keepAwake(): void {
  let lock: WakeLockSentinel | undefined;
  const request = () => {
    if (!('wakeLock' in navigator) || document.visibilityState !== 'visible') return;
    navigator.wakeLock.request('screen').then(
      (l) => {
        lock = l;
      },
      () => undefined,
    );
  };
  request();
  document.addEventListener('visibilitychange', request);
  onLeave(() => {
    document.removeEventListener('visibilitychange', request);
    void lock?.release();
  });
}
