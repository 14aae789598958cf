/**
 * 核验设备: an admin registers a verifier device with what its certificates will say (its role,
 * the organisation a holder reads, the groups it may ask for, as the registration API takes
 * them); its token is shown once, as text and as a QR code whose content is the token itself,
 * exactly what the police app's 设置 takes in its 设备令牌 field (its 扫码填入 reads this QR). Then
 * every device, revoked ones too, each revoked after a confirmation.
 */
import { ROLE_NAMES, ROLES, type Role } from '../../../shared/request/roles.js';
import { GROUP_NAMES } from '../../../shared/sd/groups.js';
import { GROUP_WORDS, PURPOSE_WORDS } from '../../../shared/sd/words.js';
import { button, h } from '../../../shared/web/dom.js';
import { drawQr } from '../../../shared/web/qr-canvas.js';
import type { Screen } from '../../../shared/web/screens.js';
import type {
  RegisteredVerifierDeviceReply,
  VerifierDevicesReply,
} from '../../verifier-devices/replies.js';
import { registerVerifierDevice, revokeVerifierDevice, verifierDevices } from './admin-api.js';
import { go, i18n, inSection, onLeave, problem, state, t } from './frame.js';
import { confirmFirst, field, notice, timeText } from './ui.js';

type Device = VerifierDevicesReply['devices'][number];

/** Side of the token's QR code, in CSS pixels. */
const QR_SIZE = 240;

/** The screen; `shown` is what to show above the form (a token just issued, a notice). */
export const devicesScreen =
  (shown?: () => HTMLElement): Screen =>
  async (main) => {
    inSection('devices');
    main.append(h('h2', {}, t('section_devices')));
    if (shown !== undefined) main.append(shown());
    main.append(registerForm());
    const { devices } = await verifierDevices();
    main.append(
      h('h3', {}, t('deviceList')),
      devices.length === 0
        ? h('p', { class: 'muted', id: 'device-none' }, t('deviceNone'))
        : h(
            'ul',
            { class: 'staff-list', id: 'device-list' },
            ...[...devices].reverse().map((d) => h('li', {}, device(d))),
          ),
    );
  };

/** The token, once: as text, as a QR code of the token itself, and how to install it. */
function tokenCard(created: RegisteredVerifierDeviceReply): HTMLElement {
  const canvas = h('canvas', {
    id: 'device-token-qr',
    role: 'img',
    'aria-label': t('deviceTokenQr'),
  });
  drawQr(canvas, created.token, QR_SIZE);
  const copy = button({ class: 'secondary small', id: 'device-token-copy' }, t('copy'), () => {
    navigator.clipboard.writeText(created.token).then(
      () => {
        copy.textContent = t('copied');
      },
      () => {
        copy.textContent = t('copyFailed');
      },
    );
  });
  const done = button({ class: 'primary', id: 'device-token-done' }, t('tokenInstalled'), () => {
    go(devicesScreen());
  });
  // The token leaves the page with the screen: nothing keeps it.
  onLeave(() => {
    canvas.width = 0;
  });
  return h(
    'section',
    { class: 'card secret', id: 'device-token', role: 'status' },
    h('p', {}, t('deviceRegistered', { id: created.id, name: created.name })),
    h('p', { class: 'warn' }, t('tokenOnce')),
    h('code', { class: 'secret-text', id: 'device-token-text' }, created.token),
    // The clipboard is there in a secure context only (HTTPS, localhost).
    window.isSecureContext ? copy : null,
    h('div', { class: 'qr' }, canvas),
    h('p', { class: 'hint' }, t('tokenInstall')),
    done,
  );
}

function registerForm(): HTMLElement {
  const name = h('input', {
    id: 'device-name',
    maxlength: '100',
    required: true,
    autocomplete: 'off',
  });
  const role = h(
    'select',
    { id: 'device-role' },
    ...ROLE_NAMES.map((r) => h('option', { value: r }, i18n.say(PURPOSE_WORDS[r]))),
  );
  const org = h('input', { id: 'device-org', maxlength: '40', autocomplete: 'off' });
  const groups = h('fieldset', { class: 'groups', id: 'device-may' });
  const status = h('div', { 'aria-live': 'polite', id: 'device-status' });
  /** The org's hint and the groups' boxes follow the role. */
  const follow = () => {
    const chosen = role.value as Role;
    org.placeholder = chosen === 'police' ? t('orgPolice') : '';
    org.required = chosen !== 'police';
    groups.replaceChildren(
      h('legend', {}, t('deviceMay')),
      ...ROLES[chosen].map((g) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', value: String(g), checked: true, name: 'may' }),
          h('span', {}, i18n.say(GROUP_WORDS[GROUP_NAMES[g]])),
        ),
      ),
    );
  };
  role.addEventListener('change', follow);
  follow();
  const form = h(
    'form',
    { class: 'card form', id: 'device-register', novalidate: true },
    h('h3', {}, t('deviceRegister')),
    field(t('deviceName'), name, t('deviceNameHint')),
    field(t('deviceRole'), role),
    field(t('deviceOrg'), org, t('deviceOrgHint')),
    groups,
    h('button', { type: 'submit', class: 'primary' }, t('register')),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = role.value as Role;
    const may = [...groups.querySelectorAll<HTMLInputElement>('input:checked')].map((b) =>
      Number(b.value),
    );
    if (name.value.trim() === '' || (chosen !== 'police' && org.value.trim() === '')) {
      status.replaceChildren(problem(new Error(t('deviceIncomplete'))));
      return;
    }
    if (may.length === 0) {
      status.replaceChildren(problem(new Error(t('deviceNoGroup'))));
      return;
    }
    registerVerifierDevice({
      name: name.value.trim(),
      role: chosen,
      ...(org.value.trim() === '' ? {} : { org: org.value.trim() }),
      may,
    }).then(
      (created) => {
        go(devicesScreen(() => tokenCard(created)));
      },
      (error: unknown) => {
        status.replaceChildren(problem(error));
      },
    );
  });
  return form;
}

function device(d: Device): HTMLElement {
  const status = h('div', { 'aria-live': 'polite', id: `device-${d.id}-status` });
  const revoked = d.revokedAt !== null;
  const may = d.may.map((g) => {
    const group = GROUP_NAMES[g];
    return group === undefined ? String(g) : i18n.say(GROUP_WORDS[group]);
  });
  const by = state.staffNames.get(d.createdBy);
  return h(
    'article',
    { class: revoked ? 'member disabled' : 'member', 'data-id': String(d.id) },
    h(
      'div',
      { class: 'member-head' },
      h('strong', {}, `#${d.id} ${d.name}`),
      h('span', { class: 'role-tag' }, i18n.say(PURPOSE_WORDS[d.role])),
    ),
    h('p', {}, d.org),
    h('p', { class: 'hint' }, `${t('deviceMay')}：${may.join(i18n.lang() === 'zh' ? '；' : '; ')}`),
    h(
      'p',
      { class: 'hint' },
      t('deviceRegisteredAt', {
        time: timeText(d.createdAt),
        by: by ?? t('actorStaff', { id: d.createdBy }),
      }),
    ),
    h(
      'p',
      { class: 'hint' },
      d.enrolledAt === null
        ? t('deviceNotEnrolled')
        : t('deviceEnrolled', {
            time: timeText(d.enrolledAt),
            until: d.certificateExpiresAt === null ? '—' : timeText(d.certificateExpiresAt),
          }),
    ),
    d.revokedAt !== null
      ? h(
          'p',
          { class: 'member-state warn' },
          t('deviceRevokedAt', { time: timeText(d.revokedAt) }),
        )
      : h(
          'div',
          { class: 'row wrap' },
          button({ class: 'danger small', 'data-act': 'revoke' }, t('revokeDevice'), () => {
            confirmFirst(
              status,
              t('confirmRevokeDevice', { id: d.id, name: d.name }),
              () => {
                revokeVerifierDevice(d.id).then(
                  () => {
                    go(
                      devicesScreen(() => notice(t('deviceRevoked', { id: d.id }), 'device-done')),
                    );
                  },
                  (error: unknown) => {
                    status.replaceChildren(problem(error));
                  },
                );
              },
              { tone: 'danger' },
            );
          }),
        ),
    status,
  );
}
