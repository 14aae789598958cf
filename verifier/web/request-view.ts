/*
 * The request screen (出示请求): who asks, the request QR large enough for a phone at arm's
 * length, in words what it asks for, and how long it may still be answered; the purpose is the
 * role's own or custom, with the groups the certificate allows ticked. Then the camera reads the
 * holder's answer.
 */
import { chinaDateTime } from '../../shared/china-time.js';
import type { VerifierCertificate } from '../../shared/request/certificate.js';
import { GROUP_NAMES, type GroupIndex } from '../../shared/sd/groups.js';
import { GROUP_WORDS, groupsInSentence, PURPOSE_WORDS } from '../../shared/sd/words.js';
import { button, h } from '../../shared/web/dom.js';
import type { Translator } from '../../shared/web/i18n.js';
import { drawQr } from '../../shared/web/qr-canvas.js';
import type { UiKey } from './app-messages.js';
import {
  ownPurposeAllowed,
  type EnrolOutcome,
  type Identity,
  type ShownRequest,
  type Standing,
} from './verifier-identity.js';

type I18n = Translator<UiKey>;

/** Largest side of the request QR (CSS px): a version 15 code at 4 px a module and more. */
const QR_MAX = 360;

/** What the officer chose to ask for: the role's own purpose, or these groups. */
export type Asking = { readonly custom: false } | { readonly custom: true; groups: GroupIndex[] };

/** m:ss of `seconds` (at least 0). */
export function countdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** What the request panel draws from. */
export interface RequestPanel {
  readonly identity: Identity | undefined;
  /** What the certificate's status entry said when last read online. */
  readonly standing: Standing;
  /** The request last made (kept on screen when used up or expired, greyed). */
  readonly request: ShownRequest | undefined;
  /** Whether `request` may still be answered. */
  readonly active: boolean;
  readonly asking: Asking;
}

/**
 * Draws the request panel. The QR canvas carries the request text in `data-request`, its nonce in
 * `data-nonce`; the countdown is `#request-left` (see {@link tickRequest}).
 */
export function renderRequest(
  panel: HTMLElement,
  state: RequestPanel,
  i18n: I18n,
  on: {
    readonly ask: (asking: Asking) => void;
    readonly renew: () => void;
    readonly scan: () => void;
    readonly direct: () => void;
  },
): void {
  const direct = button({ id: 'request-direct' }, i18n.t('requestDirect'), on.direct);
  const identity = state.identity;
  if (identity === undefined) {
    panel.replaceChildren(
      h('h2', {}, i18n.t('requestOpen')),
      h('p', { id: 'request-none', class: 'message' }, i18n.t('requestNoCertificate')),
      h('div', { class: 'row' }, direct),
    );
    return;
  }
  const { claims } = identity;
  if (state.standing !== 'valid') {
    // Every phone with a newer list refuses the device's requests: none is shown.
    panel.replaceChildren(
      h('h2', {}, i18n.t('requestOpen')),
      h(
        'p',
        { id: 'request-withdrawn', class: 'message', 'data-standing': state.standing },
        i18n.t(state.standing === 'revoked' ? 'requestRevoked' : 'requestSuspended'),
      ),
      h('div', { class: 'row' }, direct),
    );
    return;
  }
  const ownAllowed = ownPurposeAllowed(claims);
  const custom = state.asking.custom || !ownAllowed;
  const chosen = state.asking.custom ? state.asking.groups : [];
  const own = h('input', { type: 'radio', name: 'request-purpose', id: 'request-own' });
  own.checked = !custom;
  own.disabled = !ownAllowed;
  const customRadio = h('input', { type: 'radio', name: 'request-purpose', id: 'request-custom' });
  customRadio.checked = custom;
  own.addEventListener('change', () => {
    on.ask({ custom: false });
  });
  customRadio.addEventListener('change', () => {
    on.ask({ custom: true, groups: [...claims.may] });
  });
  const boxes: HTMLInputElement[] = [];
  const groupLabels = claims.may.map((g) => {
    const box = h('input', {
      type: 'checkbox',
      'data-group': GROUP_NAMES[g],
      id: `request-group-${GROUP_NAMES[g]}`,
    });
    box.checked = custom && (chosen.length === 0 ? true : chosen.includes(g));
    box.disabled = !custom;
    boxes.push(box);
    box.addEventListener('change', () => {
      const groups = claims.may.filter((_, i) => boxes[i]?.checked === true);
      on.ask({ custom: true, groups: [...groups] });
    });
    return h(
      'label',
      { class: 'toggle group' },
      box,
      h('span', {}, i18n.say(GROUP_WORDS[GROUP_NAMES[g]])),
    );
  });
  const request = state.request;
  const canvas = h('canvas', {
    id: 'request-qr',
    class: 'request-qr',
    'data-request': request?.text,
    'data-nonce': request?.nonce,
    'data-active': String(state.active),
    role: 'img',
    'aria-label': i18n.t('requestQr'),
  });
  const asks =
    request === undefined
      ? undefined
      : h(
          'p',
          { id: 'request-asks', class: 'request-asks', 'data-groups': request.groups.join(' ') },
          i18n.t('requestAsks', {
            groups: groupsInSentence(
              request.groups.map((g) => GROUP_NAMES[g]),
              i18n.lang(),
            ),
          }),
        );
  const scan = button(
    { class: 'primary', id: 'request-scan', disabled: !state.active },
    i18n.t('requestScan'),
    on.scan,
  );
  const renew = button({ id: 'request-new' }, i18n.t('requestNew'), on.renew);
  panel.replaceChildren(
    h('h2', {}, i18n.t('requestTitle')),
    h(
      'p',
      { id: 'request-from', class: 'request-from', 'data-role': claims.role },
      `${i18n.t('requestFrom', { org: claims.org })} · ${i18n.say(PURPOSE_WORDS[claims.role])}`,
    ),
    h('div', { class: 'request-code' }, canvas),
    asks ?? '',
    h('p', { id: 'request-left', class: 'request-left', 'aria-live': 'polite' }),
    scan,
    h('div', { class: 'row' }, direct, renew),
    h(
      'fieldset',
      { class: 'request-choice' },
      h(
        'label',
        { class: 'toggle' },
        own,
        h('span', {}, i18n.t('requestOwn', { purpose: i18n.say(PURPOSE_WORDS[claims.role]) })),
      ),
      h('label', { class: 'toggle' }, customRadio, h('span', {}, i18n.t('requestCustom'))),
      ...groupLabels,
    ),
  );
  if (request !== undefined) {
    const width = Math.min(QR_MAX, panel.clientWidth - 32 || QR_MAX);
    drawQr(canvas, request.text, width, state.active ? '#000000' : '#9a9a9a');
  } else canvas.hidden = true;
}

/** Updates the countdown: time left, or why the request can no longer be answered. */
export function tickRequest(
  request: ShownRequest | undefined,
  active: boolean,
  nowMs: number,
  i18n: I18n,
): void {
  const left = document.getElementById('request-left');
  if (left === null || request === undefined) return;
  const seconds = request.answerBy - nowMs / 1000;
  if (active && seconds > 0) {
    left.dataset.state = 'active';
    left.dataset.seconds = String(Math.ceil(seconds));
    left.textContent = i18n.t('requestLeft', { time: countdown(seconds) });
  } else {
    left.dataset.state = seconds > 0 ? 'used' : 'expired';
    left.textContent = i18n.t(seconds > 0 ? 'requestUsed' : 'requestExpired');
  }
}

/**
 * The device's identity in the settings panel: organisation, role, validity; or why none; or,
 * revoked or suspended, who it was and that it may no longer ask.
 */
export function identityLines(
  identity: Identity | undefined,
  enrolment: EnrolOutcome | undefined,
  i18n: I18n,
  standing: Standing = 'valid',
): HTMLElement {
  if (identity === undefined) {
    const key: UiKey =
      enrolment === 'refused'
        ? 'identityRefused'
        : enrolment === 'offline'
          ? 'identityOffline'
          : enrolment === 'unreachable'
            ? 'identityUnreachable'
            : 'identityNone';
    return h(
      'section',
      { id: 'identity', class: 'settings-block', 'data-state': enrolment ?? 'none' },
      h('h3', {}, i18n.t('identityTitle')),
      h('p', {}, i18n.t(key)),
    );
  }
  const c: VerifierCertificate = identity.claims;
  // A withdrawn certificate keeps who the device was, drops its validity, and says why.
  const withdrawn = standing !== 'valid';
  return h(
    'section',
    {
      id: 'identity',
      class: 'settings-block',
      'data-state': withdrawn ? standing : 'enrolled',
      'data-role': c.role,
    },
    h('h3', {}, i18n.t('identityTitle')),
    h(
      'dl',
      {},
      h('dt', {}, i18n.t('identityOrg')),
      h('dd', { id: 'identity-org' }, c.org),
      h('dt', {}, i18n.t('identityRole')),
      h('dd', { id: 'identity-role' }, i18n.say(PURPOSE_WORDS[c.role])),
      withdrawn ? undefined : h('dt', {}, i18n.t('identityValid')),
      withdrawn
        ? undefined
        : h(
            'dd',
            { id: 'identity-valid' },
            `${chinaDateTime(c.nbf * 1000)} – ${chinaDateTime(c.exp * 1000)}`,
          ),
    ),
    withdrawn
      ? h(
          'p',
          { id: 'identity-withdrawn', class: 'message' },
          i18n.t(standing === 'revoked' ? 'identityRevoked' : 'identitySuspended'),
        )
      : undefined,
    enrolment === 'refused' ? h('p', {}, i18n.t('identityRefused')) : undefined,
  );
}
