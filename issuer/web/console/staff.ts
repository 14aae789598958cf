/**
 * 工作人员: an admin creates staff accounts (the generated password shown once), and for each
 * other account unlocks a sign-in lock, resets the password (shown once), gives it the other
 * role, disables or enables it: each after a confirmation. The admin's own account is listed
 * without actions (another admin manages it).
 */
import type { StaffListReply, StaffRole } from '../../accounts/replies.js';
import { button, h } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import {
  createStaff,
  disableStaff,
  enableStaff,
  resetStaffPassword,
  setStaffRole,
  staffList,
  unlockStaff,
} from './admin-api.js';
import { go, inSection, problem, state, t } from './frame.js';
import type { MessageKey } from './messages.js';
import { confirmFirst, field, notice, timeText } from './ui.js';

type Member = StaffListReply['staff'][number];

/** A password shown once: who it is for, the words to hand it over, the password itself. */
function passwordCard(id: string, intro: string, password: string): HTMLElement {
  return h(
    'section',
    { class: 'card secret', id, role: 'status' },
    h('p', {}, intro),
    h('code', { class: 'secret-text', id: `${id}-text` }, password),
    h('p', { class: 'hint' }, t('passwordOnce')),
  );
}

/** The staff screen; `shown` is a card to show above the list (a password just made). */
export const staffScreen =
  (shown?: () => HTMLElement): Screen =>
  async (main) => {
    inSection('staff');
    main.append(h('h2', {}, t('section_staff')));
    if (shown !== undefined) main.append(shown());
    const { staff } = await staffList();
    state.staffNames = new Map(staff.map((s) => [s.id, s.username]));
    main.append(
      h('h3', {}, t('staffAccounts')),
      h(
        'ul',
        { class: 'staff-list', id: 'staff-list' },
        ...staff.map((s) => h('li', {}, member(s))),
      ),
      createForm(),
    );
  };

function createForm(): HTMLElement {
  const username = h('input', {
    id: 'new-username',
    name: 'username',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    pattern: '[a-z][a-z0-9_.\\-]{2,31}',
    maxlength: '32',
  });
  const role = h(
    'select',
    { id: 'new-role' },
    h('option', { value: 'reviewer' }, t('role_reviewer')),
    h('option', { value: 'admin' }, t('role_admin')),
  );
  const status = h('div', { 'aria-live': 'polite', id: 'new-staff-status' });
  const form = h(
    'form',
    { class: 'card form', id: 'staff-create', novalidate: true },
    h('h3', {}, t('staffCreate')),
    field(t('username'), username, t('usernameHint')),
    field(t('role'), role),
    h('button', { type: 'submit', class: 'primary' }, t('create')),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!username.checkValidity()) {
      status.replaceChildren(problem(new Error(t('usernameHint'))));
      return;
    }
    createStaff(username.value, role.value as StaffRole).then(
      (created) => {
        go(
          staffScreen(() =>
            passwordCard(
              'staff-password',
              t('staffCreated', { name: created.username, role: t(`role_${created.role}`) }),
              created.password,
            ),
          ),
        );
      },
      (error: unknown) => {
        status.replaceChildren(problem(error));
      },
    );
  });
  return form;
}

/** One account: who, since when, its state, and what may be done to it. */
function member(s: Member): HTMLElement {
  const own = s.id === state.staffId;
  const stateWords =
    s.disabledAt !== null
      ? t('disabledSince', { time: timeText(s.disabledAt) })
      : s.lockedUntil !== null
        ? t('lockedUntil', { time: timeText(s.lockedUntil) })
        : t('active');
  const status = h('div', { 'aria-live': 'polite', id: `staff-${s.id}-status` });
  /** An action after its confirmation; then the screen again, with `after`'s card or notice. */
  const act = (
    key: string,
    question: string,
    run: () => Promise<(() => HTMLElement) | string>,
    style = 'secondary small',
  ) =>
    button({ class: style, 'data-act': key }, t(`act_${key}` as MessageKey), () => {
      confirmFirst(
        status,
        question,
        () => {
          run().then(
            (after) => {
              go(
                staffScreen(typeof after === 'string' ? () => notice(after, 'staff-done') : after),
              );
            },
            (error: unknown) => {
              status.replaceChildren(problem(error));
            },
          );
        },
        style.startsWith('danger') ? { tone: 'danger' } : {},
      );
    });
  const other: StaffRole = s.role === 'admin' ? 'reviewer' : 'admin';
  const actions = own
    ? [h('span', { class: 'muted' }, t('ownAccount'))]
    : [
        s.lockedUntil === null
          ? null
          : act('unlock', t('confirmUnlockStaff', { name: s.username }), async () => {
              await unlockStaff(s.id);
              return t('unlockedStaff', { name: s.username });
            }),
        act('password', t('confirmResetPassword', { name: s.username }), async () => {
          const reset = await resetStaffPassword(s.id);
          return () =>
            passwordCard(
              'staff-password',
              t('passwordReset', { name: reset.username }),
              reset.password,
            );
        }),
        act(
          `role_${other}`,
          t('confirmRole', { name: s.username, role: t(`role_${other}`) }),
          async () => {
            await setStaffRole(s.id, other);
            return t('roleChanged', { name: s.username, role: t(`role_${other}`) });
          },
        ),
        s.disabledAt === null
          ? act(
              'disable',
              t('confirmDisable', { name: s.username }),
              async () => {
                await disableStaff(s.id);
                return t('disabled', { name: s.username });
              },
              'danger small',
            )
          : act('enable', t('confirmEnable', { name: s.username }), async () => {
              await enableStaff(s.id);
              return t('enabled', { name: s.username });
            }),
      ];
  return h(
    'article',
    {
      class: s.disabledAt === null ? 'member' : 'member disabled',
      'data-id': String(s.id),
      'data-username': s.username,
    },
    h(
      'div',
      { class: 'member-head' },
      h('strong', {}, s.username),
      h('span', { class: 'role-tag' }, t(`role_${s.role}`)),
    ),
    h(
      'p',
      {
        class:
          s.disabledAt !== null || s.lockedUntil !== null ? 'member-state warn' : 'member-state',
      },
      stateWords,
    ),
    h('p', { class: 'hint' }, t('createdAt', { time: timeText(s.createdAt) })),
    h('div', { class: 'row wrap' }, ...actions),
    status,
  );
}
