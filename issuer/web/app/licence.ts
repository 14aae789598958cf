/*
 * The licence page: the card as printed (fields from the holder's copy, so it shows offline),
 * and the dynamic QR made on the phone with the device key every few seconds, for the checker the
 * driver picks first (purposes.ts): black when the licence is normal and red when it is not, in
 * a labelled frame of the purpose's colour, with what it shows and withholds in words, its
 * generation time and a countdown. Each code picked is noted in the phone's record (shown.ts).
 */
import { drawQrSymbol, encodeQr } from '../../../shared/web/qr-canvas.js';
import { createPresentation } from '../../../shared/create-presentation.js';
import type { Signer } from '../../../shared/crypto-backend.js';
import type { VerifiedRequest } from '../../../shared/request/request.js';
import { nobleBackend } from '../../../verifier/backends/noble.js';
import { LICENCE_STATUS, nationalityName } from '../../../shared/licence/codes.js';
import { formatClasses } from '../../../shared/licence/format-classes.js';
import type { LicenceRecord } from '../../../shared/licence/record.js';
import { createPresentationV2 } from '../../../shared/sd/presentation-v2.js';
import { GROUP_NAMES, type GroupIndex, type GroupName } from '../../../shared/sd/groups.js';
import { GROUP_WORDS, groupsInSentence, PURPOSE_WORDS } from '../../../shared/sd/words.js';
import { unusableAt, type UnusableReason } from '../../../shared/usability.js';
import { licenceValidityOn } from '../../../shared/licence/validity.js';
import { api, ApiError, OfflineError } from '../common/api.js';
import { chinaClock, chinaDate, chinaDateTime } from '../../../shared/china-time.js';
import { button, h, keepDatesWhole } from '../../../shared/web/dom.js';
import { adviceBlock, latestApplication, photoChangeScreen, stateBlock } from './apply.js';
import { signInScreen } from './auth.js';
import { deviceKeyPair, webCryptoSigner } from './device-key.js';
import { refreshAuthority } from './authority.js';
import { ensureDevice, fetchCredential, fetchPortrait, fetchStatus, refreshAll } from './holder.js';
import { heldOf, type Held } from './held.js';
import {
  choiceOf,
  frameOf,
  groupOfField,
  PURPOSE_ORDER,
  shownAndWithheld,
  type Choice,
} from './purposes.js';
import { logShown, shownLogScreen } from './shown.js';
import { load, type Kept } from './store.js';
import { errorBox, go, i18n, onLeave, reasonText, redraw, t, type Screen } from './ui.js';
import { licenceScreen, obtainScreen } from './licence-entry.js';
import { serviceNow } from './phone-clock.js';
import type { Me } from './replies.js';
import { consentPanel, refusedPanel, scanPanel } from './scan-request.js';
import { ROLE_MESSAGE } from './roles.js';
import { checkRequest, type RequestCheck } from './verifier-request.js';

/**
 * The QR colours: red when the licence is not normal (docs/DOMAIN.md §1.9); red still reads as
 * dark to a scanner's grey conversion.
 */
const QR_COLOURS = { normal: '#000000', alert: '#c4161c' } as const;

/** A new QR every this many seconds; the verifier accepts a proof for 60 s. */
export const DEFAULT_QR_SECONDS = 30;

/** The QR interval: `?qr=N` or localStorage `lz-qr-seconds`, 5–55 s, else 30. */
function qrSeconds(): number {
  const asked = Number(
    new URLSearchParams(location.search).get('qr') ?? localStorage.getItem('lz-qr-seconds'),
  );
  return Number.isInteger(asked) && asked >= 5 && asked <= 55 ? asked : DEFAULT_QR_SECONDS;
}

/** Gets the credential for this phone (after issue), then shows the licence (obtainScreen). */
export const drawObtain: Screen = async (main) => {
  main.append(h('p', { class: 'notice' }, t('fetchingLicence')));
  const me = await api<Me>('GET', '/api/me');
  const deviceId = await ensureDevice(`driver:${me.driverId}`);
  await fetchCredential(deviceId);
  await fetchStatus();
  // The authority's keys, for checking a verifier's request offline later.
  await refreshAuthority().catch(() => undefined);
  const kept = await load('credential');
  if (kept !== undefined) await fetchPortrait(heldOf(kept).portraitHash).catch(() => undefined);
  go(licenceScreen);
};

/** The last status check, when it is newer than the credential (the registry's latest word). */
function newerStatus(held: Held, status: Kept['status'] | undefined): Kept['status'] | undefined {
  return status !== undefined && status.at / 1000 >= held.iat ? status : undefined;
}

/** Why the licence is not normal, from the last status check or the credential; undefined when it is. */
function alertOf(held: Held, status: Kept['status'] | undefined): string | undefined {
  const now = serviceNow() / 1000;
  if (now >= held.exp) return t('reason_expired');
  const newer = newerStatus(held, status);
  if (newer !== undefined) {
    if (newer.usable) return undefined;
    return newer.reason === 'not-normal' || newer.reason === null
      ? i18n.say(newer.label)
      : reasonText(newer.reason);
  }
  const refusal = unusableAt(held.licence, new Date(serviceNow()));
  if (refusal === undefined) return undefined;
  // The dates and the points in words; a status other than A with its own label (暂扣, 锁定, …).
  const dated = refusal.reason === 'expired' || refusal.reason === 'not-yet-valid';
  return dated || held.licence.status === 'A'
    ? reasonText(refusal.reason)
    : i18n.say(LICENCE_STATUS[held.licence.status]);
}

/**
 * Why no refresh will bring back an e-licence that has run out: the licence past its dates (China
 * time), unless the service has since said it is usable (a renewal), or else the service's word,
 * newer than the credential, that the licence may not be used. Undefined: a refresh online will
 * renew it.
 */
function whyNotRenewable(
  held: Held,
  status: Kept['status'] | undefined,
): UnusableReason | undefined {
  const pastAt = (ms: number) =>
    licenceValidityOn(held.licence, chinaDate(new Date(ms))) === 'expired';
  if (pastAt(serviceNow()) && !(status?.usable === true && pastAt(status.at))) return 'expired';
  const newer = newerStatus(held, status);
  if (newer !== undefined && !newer.usable) return newer.reason ?? 'not-normal';
  return undefined;
}

/** The card on the licence page, and how to make it show only what the code on screen shows. */
interface LicenceCard {
  readonly element: HTMLElement;
  /**
   * Shows the fields of the groups `shown` and 未出示 in place of the others (the photo too), so
   * that the screen held out with a rental code does not show the ID number the code withholds;
   * `undefined` shows every field (the picker, the police's code).
   */
  show(shown: readonly GroupName[] | undefined): void;
}

function card(l: LicenceRecord, portrait: Kept['portrait'] | undefined): LicenceCard {
  const fields: { dd: HTMLElement; value: string; group: GroupName }[] = [];
  /** A field; its dates kept whole (keepDatesWhole). */
  const row = (
    label: string,
    value: string,
    field: keyof LicenceRecord,
    id: string,
    wide = false,
  ) => {
    const dd = h('dd', { id, 'data-field': field }, ...keepDatesWhole(value));
    fields.push({ dd, value, group: groupOfField(field) });
    return h('div', { class: wide ? 'row wide' : 'row' }, h('dt', {}, label), dd);
  };
  let photo: HTMLElement = h('div', { class: 'photo placeholder' });
  if (portrait !== undefined) {
    const url = URL.createObjectURL(portrait.blob);
    onLeave(() => {
      URL.revokeObjectURL(url);
    });
    photo = h('img', { class: 'photo', src: url, alt: t('f_name') });
  }
  const photoWithheld = h(
    'div',
    { class: 'photo withheld', id: 'photo-withheld', hidden: true },
    t('notShown'),
  );
  const validTo = l.validTo === 'long-term' ? t('longTerm') : l.validTo;
  const element = h(
    'section',
    { class: 'licence', id: 'licence-card' },
    h('header', {}, h('h2', {}, t('licenceTitle')), h('p', {}, t('licenceSubtitle'))),
    h(
      'div',
      { class: 'licence-body' },
      h(
        'dl',
        { class: 'licence-fields' },
        row(t('f_no'), l.licenceNumber, 'licenceNumber', 'f-no', true),
        row(t('f_name'), l.name, 'name', 'f-name'),
        row(t('f_sex'), l.sex === 'M' ? t('sexM') : t('sexF'), 'sex', 'f-sex'),
        row(
          t('f_nationality'),
          i18n.say(nationalityName(l.nationality)),
          'nationality',
          'f-nationality',
        ),
        row(t('f_address'), l.address, 'address', 'f-address', true),
        row(t('f_birth'), l.birthDate, 'birthDate', 'f-birth'),
        row(t('f_first'), l.firstIssueDate, 'firstIssueDate', 'f-first'),
        row(t('f_classes'), formatClasses(l.classes), 'classes', 'f-classes'),
        row(t('f_points'), t('pointsValue', { points: l.points }), 'points', 'f-points'),
        row(
          t('f_validity'),
          t('validTo', { from: l.validFrom, to: validTo }),
          'validFrom',
          'f-validity',
          true,
        ),
        row(t('f_authority'), l.issuingAuthority, 'issuingAuthority', 'f-authority', true),
        row(t('f_file'), l.fileNumber, 'fileNumber', 'f-file', true),
      ),
      photo,
      photoWithheld,
    ),
  );
  return {
    element,
    show(shown) {
      for (const { dd, value, group } of fields) {
        const withheld = shown !== undefined && !shown.includes(group);
        dd.replaceChildren(...(withheld ? [t('notShown')] : keepDatesWhole(value)));
        if (withheld) dd.dataset.withheld = 'true';
        else delete dd.dataset.withheld;
      }
      const photoShown = shown === undefined || shown.includes('holder');
      photo.hidden = !photoShown;
      photoWithheld.hidden = photoShown;
    },
  };
}

/**
 * The code the driver picked, while the app is open: a redraw (a language switch, a background
 * refresh) shows it again without asking and without a second entry in the record; "show to
 * someone else", or leaving the page for another, asks again.
 */
let picked:
  | {
      readonly choice: Choice;
      logged: boolean;
      /** The verifier's request the code answers (扫码出示), with its nonce and audience. */
      readonly request?: VerifiedRequest;
    }
  | undefined;
/** 扫码出示 under way: the scanner open, or the request read (for consent) or refused. */
let asking:
  | { readonly step: 'scan' }
  | { readonly step: 'checked'; readonly check: RequestCheck }
  | undefined;
/** The groups ticked for a custom code, while the picker is open. */
let ticked = new Set<GroupIndex>();
/** Whether the custom panel is open. */
let customOpen = false;
/**
 * Set while the page is drawn again because a background refresh brought something new: that
 * drawing does not refresh once more. Else a service that signs a new credential on every
 * request (its clock behind the licence's last change, or standing still) would have the phone
 * ask again and again for as long as it is open.
 */
let drawnByRefresh = false;

/** Forgets the code picked: the licence page asks again who is checking. */
export function forgetChoice(): void {
  picked = undefined;
  asking = undefined;
  ticked = new Set();
  customOpen = false;
}

/** The licence page (licenceScreen, licence-entry.ts). */
export const drawLicence: Screen = async (main) => {
  const afterRefresh = drawnByRefresh;
  drawnByRefresh = false;
  const kept = await load('credential');
  if (kept === undefined) {
    go(obtainScreen);
    return;
  }
  const held = heldOf(kept);
  const status = await load('status');
  const portrait = await load('portrait');
  const alert = alertOf(held, status);
  const expired = serviceNow() / 1000 >= held.exp;
  const notRenewable = expired ? whyNotRenewable(held, status) : undefined;
  // A choice beyond the whole licence needs a holder's copy.
  if (picked !== undefined && held.version === 1 && picked.choice.purpose !== 'police')
    forgetChoice();

  const qrBox = h('section', {
    class: `qr-box${alert === undefined ? '' : ' alert'}`,
    id: 'qr-box',
  });
  const net = h('p', { class: 'net', id: 'net-state' });
  const pending = h('div', { id: 'pending' });
  const change = button({ class: 'secondary', id: 'change-photo' }, t('changePhoto'), () => {
    forgetChoice();
    go(photoChangeScreen);
  });
  const log = button({ class: 'secondary', id: 'open-shown-log' }, t('shownLog'), () => {
    forgetChoice();
    go(shownLogScreen);
  });
  const licenceCard = card(held.licence, portrait);
  main.append(
    qrBox,
    net,
    pending,
    licenceCard.element,
    h('div', { class: 'actions' }, log, change),
  );

  const lastUpdate = Math.max(kept.refreshedAt, status?.at ?? 0);
  net.textContent = navigator.onLine
    ? t('onlineUpdated', { time: chinaDateTime(lastUpdate, 'minute') })
    : t('offlineSince', { time: chinaDateTime(lastUpdate, 'minute') });
  if (!navigator.onLine) net.classList.add('offline');

  const movedAway = await load('movedAway');
  if (movedAway !== undefined) {
    // Superseded: the code would verify as 已失效. Moving it back is the driver's choice.
    const useHere = button({ class: 'primary', id: 'use-here' }, t('useHere'), () => {
      forgetChoice();
      go(obtainScreen);
    });
    qrBox.classList.add('alert');
    qrBox.append(h('p', { class: 'moved', id: 'moved-away' }, t('movedAway')), useHere);
  } else if (expired && notRenewable !== undefined) {
    // The issuer signs no e-licence for a licence that may not be used (and caps one at the
    // licence's last valid day): "connect to refresh" would change nothing. What to do instead.
    const { validTo } = held.licence;
    qrBox.append(
      h(
        'p',
        { class: 'expired', id: 'qr-expired' },
        ...(notRenewable === 'expired'
          ? keepDatesWhole(t('licenceExpiredHeld', { date: validTo }))
          : [t('licenceUnusableHeld', { reason: reasonText(notRenewable) })]),
      ),
      adviceBlock(notRenewable, held.licence.issuingAuthority, true),
    );
  } else if (expired) {
    const time = chinaDateTime(held.exp * 1000, 'minute');
    qrBox.append(
      h(
        'p',
        { class: 'expired', id: 'qr-expired' },
        ...keepDatesWhole(t('credentialExpired', { time })),
      ),
      h('p', {}, t('credentialExpiredOffline')),
    );
  } else {
    // Held before the code area starts anything, so that leaving the page while it starts stops
    // it too.
    const stop = { current: (): void => undefined };
    onLeave(() => {
      stop.current();
    });
    await codeArea({ box: qrBox, card: licenceCard, kept, held, alert }, stop);
  }

  if (navigator.onLine && !afterRefresh) void refreshInBackground(held, pending);
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

/** The licence's state in words, above the picker and below the code. */
function statusLine(alert: string | undefined): HTMLElement {
  return h(
    'p',
    { class: 'qr-status', id: 'qr-status' },
    alert === undefined ? t('qrStatusNormal') : t('qrStatusAlert', { label: alert }),
  );
}

/** What the code area of the page is drawn from. */
interface CodeContext {
  readonly box: HTMLElement;
  /** The card below, which shows what the code on screen shows. */
  readonly card: LicenceCard;
  readonly kept: Kept['credential'];
  readonly held: Held;
  readonly alert: string | undefined;
}

/**
 * Draws the code area in place (the rest of the page, and its background refresh, untouched):
 * the picker, or the code picked. `stop.current` is set to stop what the area runs (the camera,
 * or the code's timer and wake lock), whichever was drawn last.
 */
async function codeArea(ctx: CodeContext, stop: { current: () => void }): Promise<void> {
  stop.current();
  stop.current = () => undefined;
  ctx.box.replaceChildren();
  ctx.box.classList.toggle('alert', ctx.alert !== undefined);
  const again = () => {
    void codeArea(ctx, stop).catch((error: unknown) => {
      ctx.box.append(errorBox(error));
    });
  };
  ctx.card.show(
    asking === undefined && picked !== undefined
      ? shownAndWithheld(picked.choice).shown
      : undefined,
  );
  let start: (() => Promise<() => void>) | undefined;
  if (asking?.step === 'scan') start = () => showScanner(ctx, again);
  else if (asking?.step === 'checked') showChecked(ctx, asking.check, again);
  else if (picked === undefined) showPicker(ctx, again);
  else {
    const current = picked;
    start = () => showQr(ctx, current, again);
  }
  if (start !== undefined) {
    // The camera, or the code's timer and wake lock, start after an await: when the area is
    // drawn again or the page left meanwhile, they are stopped as soon as they have started.
    // An object: the page's leave handler changes it during the await.
    const run = { left: false };
    stop.current = () => {
      run.left = true;
    };
    const started = await start();
    if (run.left) started();
    else stop.current = started;
  }
}

/**
 * Who is checking: the police (everything) first, one tap; then the fixed purposes; then custom,
 * which opens a box per group. With only a version 1 credential, the police's code alone.
 */
function showPicker({ box, held, alert }: CodeContext, again: () => void): void {
  const pick = (choice: Choice) => {
    picked = { choice, logged: false };
    ticked = new Set();
    customOpen = false;
    again();
  };
  const partialOnly = held.version === 1;
  const option = (purpose: (typeof PURPOSE_ORDER)[number], sub: string) => {
    const b = button(
      {
        class: `purpose purpose-${frameOf(purpose)}`,
        id: `purpose-${purpose}`,
        'data-purpose': purpose,
      },
      '',
      () => {
        if (purpose === 'custom') {
          customOpen = !customOpen;
          again();
        } else pick(choiceOf(purpose));
      },
    );
    b.replaceChildren(
      h('span', { class: 'purpose-name' }, i18n.say(PURPOSE_WORDS[purpose])),
      h('span', { class: 'purpose-sub' }, sub),
    );
    if (partialOnly && purpose !== 'police') b.disabled = true;
    if (purpose === 'custom') b.setAttribute('aria-expanded', String(customOpen));
    return b;
  };
  const others = h(
    'div',
    { class: 'purpose-grid' },
    option('rental', t('pickPartialSub')),
    option('insurance', t('pickPartialSub')),
    option('employer', t('pickPartialSub')),
    option('age', t('pickAgeSub')),
    option('custom', t('pickCustomSub')),
  );
  const scan = button({ class: 'purpose purpose-scan', id: 'scan-request' }, '', () => {
    forgetChoice();
    asking = { step: 'scan' };
    again();
  });
  scan.replaceChildren(
    h('span', { class: 'purpose-name' }, t('scanRequest')),
    h('span', { class: 'purpose-sub' }, t('scanRequestSub')),
  );
  scan.disabled = partialOnly;
  box.append(
    h('h2', { class: 'section-title' }, t('pickTitle')),
    statusLine(alert),
    h(
      'div',
      { class: 'purpose-picker', id: 'purpose-picker' },
      option('police', t('pickPoliceSub')),
      scan,
      others,
    ),
  );
  if (partialOnly) box.append(h('p', { class: 'hint', id: 'pick-v1-only' }, t('pickV1Only')));
  if (customOpen && !partialOnly) box.append(customPanel(pick));
}

/** The boxes of a custom code, one per group, and the button that shows it (one ticked at least). */
function customPanel(pick: (choice: Choice) => void): HTMLElement {
  const show = button({ class: 'primary', id: 'custom-show' }, t('customShow'), () => {
    pick(choiceOf('custom', [...ticked]));
  });
  const none = h('p', { class: 'hint', id: 'custom-none' }, t('customNone'));
  const update = () => {
    show.disabled = ticked.size === 0;
    none.hidden = ticked.size > 0;
  };
  const boxes = GROUP_NAMES.map((name, g) => {
    const input = h('input', {
      type: 'checkbox',
      id: `custom-${name}`,
      value: name,
    });
    input.checked = ticked.has(g as GroupIndex);
    input.addEventListener('change', () => {
      if (input.checked) ticked.add(g as GroupIndex);
      else ticked.delete(g as GroupIndex);
      update();
    });
    return h(
      'label',
      { class: 'custom-group', for: `custom-${name}` },
      input,
      i18n.say(GROUP_WORDS[name]),
    );
  });
  update();
  return h(
    'fieldset',
    { class: 'custom-panel', id: 'custom-panel' },
    h('legend', {}, t('customTitle')),
    ...boxes,
    none,
    show,
  );
}

/** The scanner of 扫码出示; what it reads is checked against the keys the phone keeps. */
async function showScanner(ctx: CodeContext, again: () => void): Promise<() => void> {
  return scanPanel(
    ctx.box,
    (text) => {
      void Promise.all([load('authority'), load('verifierLists')]).then(([authority, lists]) => {
        asking = {
          step: 'checked',
          check: checkRequest(
            text,
            {
              ...(authority === undefined ? {} : { authority }),
              ...(lists === undefined ? {} : { lists }),
            },
            new Date(serviceNow()),
            nobleBackend,
          ),
        };
        again();
      });
    },
    () => {
      forgetChoice();
      again();
    },
  );
}

/** A request read: the driver's consent asked, or its refusal with the reason. */
function showChecked(ctx: CodeContext, check: RequestCheck, again: () => void): void {
  const back = () => {
    forgetChoice();
    again();
  };
  if (!check.ok) {
    ctx.box.append(
      refusedPanel(
        check.code,
        () => {
          forgetChoice();
          asking = { step: 'scan' };
          again();
        },
        back,
      ),
    );
    return;
  }
  const { request } = check;
  ctx.box.append(
    consentPanel(
      request,
      () => {
        asking = undefined;
        picked = {
          choice: { purpose: request.purpose, groups: [...request.groups] },
          logged: false,
          request,
        };
        again();
      },
      back,
    ),
  );
}

/** Refreshes status, credential and portrait online; redraws when what is shown changed. */
async function refreshInBackground(before: Held, pending: HTMLElement): Promise<void> {
  const oldStatus = await load('status');
  try {
    const changed = await refreshAll();
    const status = await load('status');
    const kept = await load('credential');
    const after = kept === undefined ? before : heldOf(kept);
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
    ) {
      drawnByRefresh = true;
      redraw(licenceScreen);
    }
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

/**
 * The QR of the code picked, made again every interval, in its purpose's labelled frame, with
 * what it shows and withholds, its time and a countdown; the screen kept on. The first code of a
 * pick goes in the record.
 */
async function showQr(
  { box, kept, held, alert }: CodeContext,
  current: NonNullable<typeof picked>,
  again: () => void,
): Promise<() => void> {
  const { choice, request } = current;
  const signer = await webCryptoSigner(await deviceKeyPair());
  const { shown, withheld } = shownAndWithheld(choice);
  // The licence's state is part of `driving`: a code that withholds it says nothing of it under
  // the code, and is drawn in black, so that its colour does not show what it withholds (the
  // driver sees the state above the picker).
  const red = alert !== undefined && shown.includes('driving');
  box.classList.toggle('alert', red);
  const colour = red ? QR_COLOURS.alert : QR_COLOURS.normal;
  const frame = frameOf(choice.purpose);
  const purposeName = i18n.say(PURPOSE_WORDS[choice.purpose]);
  const canvas = h('canvas', { id: 'qr', role: 'img', 'aria-label': t('qrTitle') });
  const generated = h('p', { class: 'qr-time', id: 'qr-time' });
  const countdown = h('span', { id: 'qr-countdown' });
  const change = button({ class: 'secondary', id: 'change-purpose' }, t('changePurpose'), () => {
    forgetChoice();
    again();
  });
  // A tap on the code makes a new one at once (a checker whose scan failed, a code about to
  // turn over): a button, so that it is reached and pressed without a finger too.
  const qrFrame = h(
    'button',
    { type: 'button', class: 'qr-frame', id: 'qr-refresh', 'aria-label': t('qrTapRefresh') },
    canvas,
  );
  const frameBox = h(
    'div',
    {
      class: `purpose-frame frame-${frame}`,
      id: 'purpose-frame',
      'data-purpose': choice.purpose,
      'data-frame': frame,
    },
    h(
      'p',
      { class: 'purpose-label', id: 'purpose-label', 'data-org': request?.org },
      request === undefined
        ? t(frame === 'full' ? 'frameFull' : 'framePartial', { purpose: purposeName })
        : t('answerFrame', { org: request.org, purpose: t(ROLE_MESSAGE[request.role]) }),
    ),
    qrFrame,
  );
  box.append(
    frameBox,
    generated,
    h('p', { class: 'qr-countdown' }, countdown, ' · ', t('qrTapHint')),
    ...(shown.includes('driving') ? [statusLine(alert)] : []),
    h(
      'section',
      { class: 'disclosed', id: 'disclosed' },
      h('p', { class: 'disclosed-title' }, t('codeShows')),
      h(
        'ul',
        { id: 'shown-groups' },
        ...shown.map((g) => h('li', { 'data-group': g }, i18n.say(GROUP_WORDS[g]))),
      ),
      h(
        'p',
        { class: 'withheld', id: 'withheld-groups' },
        withheld.length === 0
          ? t('codeWithholdsNone')
          : t('codeWithholds', { groups: groupsInSentence(withheld, i18n.lang()) }),
      ),
    ),
    change,
    h('p', { class: 'hint' }, t('brightness')),
  );
  const interval = qrSeconds();
  let madeAt = 0;
  // The frame's border and padding and the box's padding, on each side.
  const size = Math.min(340, document.documentElement.clientWidth - 80);
  let expired = false;
  // A request answered: past its answerBy no verifier takes the code, so none is shown.
  const expire = () => {
    expired = true;
    frameBox.replaceChildren(
      h('p', { class: 'expired', id: 'answer-expired' }, t('answerExpired')),
      button({ class: 'primary', id: 'scan-again' }, t('scanAgain'), () => {
        forgetChoice();
        asking = { step: 'scan' };
        again();
      }),
    );
    generated.textContent = '';
    countdown.textContent = '';
    // No code on screen: nothing is shown or withheld any more.
    box.querySelector('#disclosed')?.remove();
  };
  const secondsLeft = () => Math.max(0, interval - Math.floor((serviceNow() - madeAt) / 1000));
  /** Writes the seconds until the next code, or until the request's answer is over: false then. */
  const writeCountdown = (): boolean => {
    if (request === undefined) {
      countdown.textContent = t('qrCountdown', { seconds: secondsLeft() });
      return true;
    }
    const answerLeft = request.answerBy - Math.floor(serviceNow() / 1000);
    if (answerLeft <= 0) return false;
    countdown.textContent = t('answerCountdown', { seconds: answerLeft });
    return true;
  };
  let making: Promise<void> | undefined;
  const make = () => {
    // One code at a time: a tap while the timer makes one waits for it.
    making ??= makeCode().finally(() => {
      making = undefined;
    });
    return making;
  };
  const makeCode = async () => {
    // From the moment the code is asked for to the moment it is drawn, with its steps (the
    // holder proof signed, the rest of the presentation made, the QR encoded, drawn): `npm run
    // bench:browser` reads these measures.
    const started = performance.now();
    const now = new Date(serviceNow());
    if (request !== undefined && now.getTime() >= request.answerBy * 1000) {
      expire();
      return;
    }
    let signMs = 0;
    const timedSigner: Pick<Signer, 'sign'> = {
      async sign(data) {
        const at = performance.now();
        try {
          return await signer.sign(data);
        } finally {
          signMs += performance.now() - at;
        }
      },
    };
    const text =
      kept.holderCopy === undefined
        ? await createPresentation(kept.text, timedSigner, { now })
        : await createPresentationV2(kept.holderCopy, timedSigner, {
            now,
            purpose: choice.purpose,
            ...(choice.purpose === 'custom' ? { groups: choice.groups } : {}),
            // The request's own nonce and verifier, every time: never a new nonce.
            ...(request === undefined ? {} : { nonce: request.nonce, audience: request.audience }),
          });
    const presentedAt = performance.now();
    const symbol = encodeQr(text);
    const encodedAt = performance.now();
    drawQrSymbol(canvas, symbol, size, colour);
    const end = performance.now();
    const stages = {
      sign: signMs,
      presentation: presentedAt - started - signMs,
      encode: encodedAt - presentedAt,
      draw: end - encodedAt,
    };
    performance.measure('lz:qr', { start: started, end, detail: { stages } });
    canvas.dataset.presentation = text;
    madeAt = now.getTime();
    generated.textContent = t('qrGenerated', { time: chinaClock(madeAt) });
    // With the code, not after the record below: a slow phone's storage keeps nothing waiting.
    writeCountdown();
    if (!current.logged) {
      current.logged = true;
      // A record that cannot be written does not keep the code from the checker.
      await logShown({
        at: madeAt,
        purpose: choice.purpose,
        groups: [...choice.groups],
        version: held.version,
        ...(request === undefined ? {} : { verifier: { org: request.org, role: request.role } }),
      }).catch(() => undefined);
    }
  };
  const tick = () => {
    if (expired) return;
    if (!writeCountdown()) {
      expire();
      return;
    }
    if (secondsLeft() === 0) void make().then(tick);
  };
  await make();
  tick();
  qrFrame.addEventListener('click', () => {
    if (expired) return;
    void make().then(tick);
  });
  const timer = window.setInterval(tick, 1000);
  const asleep = keepAwake();
  return () => {
    window.clearInterval(timer);
    asleep();
  };
}

/**
 * The Screen Wake Lock API, where the browser has it: the code stays on screen.
 * @returns what lets the screen sleep again.
 */
function keepAwake(): () => void {
  let lock: WakeLockSentinel | undefined;
  let stopped = false;
  const request = () => {
    if (!('wakeLock' in navigator) || document.visibilityState !== 'visible') return;
    navigator.wakeLock.request('screen').then(
      (l) => {
        // Granted after the code was put away (a slow phone): let go of it at once, or the
        // screen would never sleep again while the page is open.
        if (stopped) void l.release();
        else lock = l;
      },
      () => undefined,
    );
  };
  request();
  document.addEventListener('visibilitychange', request);
  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', request);
    void lock?.release();
  };
}
