/**
 * One licence as an admin opened it: the record (the whole number, here only), its status with
 * the changes the status allows (暂扣, 恢复, 吊销, each with a reason and a confirmation step), the
 * driver account that holds it and its sign-in lock (解锁), its e-licences, and its status
 * history in words.
 */
import { LICENCE_STATUS, nationalityName, POINTS_LIMIT } from '../../../shared/licence/codes.js';
import { formatClasses } from '../../../shared/licence/format-classes.js';
import type { LicenceRecord } from '../../../shared/licence/record.js';
import { button, h, keepDatesWhole, whole } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import { ALLOWED_FROM } from '../../lifecycle/allowed-from.js';
import type { AuditTrailReply } from '../../lifecycle/replies.js';
import type { LicenceAccountReply, LicenceReply } from '../../registry/replies.js';
import {
  changeLicence,
  licence,
  licenceAccount,
  licenceTrail,
  unlockDriver,
  type StatusChange,
} from './admin-api.js';
import { actorWords } from './audit-words.js';
import { actionWords, go, i18n, inSection, problem, state, t } from './frame.js';
import { loadStaffNames } from './staff-names.js';
import { licencesScreen } from './licences.js';
import type { MessageKey } from './messages.js';
import { auditDetails, confirmFirst, facts, field, notice, timeText } from './ui.js';

/** The changes offered, in the order of their buttons. */
const CHANGES: readonly StatusChange[] = ['suspend', 'restore', 'revoke'];

/** Whether the status (and points) allow `change` (the service's table, allowed-from.ts). */
export function allows(record: Pick<LicenceRecord, 'status' | 'points'>, change: StatusChange) {
  const from: readonly string[] = ALLOWED_FROM[change];
  if (!from.includes(record.status)) return false;
  return !(change === 'restore' && record.status === 'B' && record.points >= POINTS_LIMIT);
}

/** The audit actions that make a licence's status history. */
const HISTORY = /^(licence\.|registry\.import\.|driver\.unlock$)/;

/** The licence `number`; `done` is the notice of what was just done, shown above it. */
export const licenceScreen =
  (number: string, done?: string): Screen =>
  async (main) => {
    inSection('licences');
    const back = button({ class: 'link', id: 'back' }, t('backToSearch'), () => {
      go(licencesScreen);
    });
    main.append(back);
    const [view, account, trail] = await Promise.all([
      licence(number),
      licenceAccount(number),
      licenceTrail(number),
      loadStaffNames(),
    ]);
    main.append(h('h2', {}, t('licenceTitle')));
    if (done !== undefined) main.append(notice(done, 'licence-done'));
    const layout = h('div', { class: 'columns' });
    layout.append(
      h('div', {}, record(view), statusChanges(view)),
      h('div', {}, driverAccount(number, account), credentials(view), history(trail)),
    );
    main.append(layout);
  };

function record(view: LicenceReply): HTMLElement {
  const l = view.licence;
  const validTo = l.validTo === 'long-term' ? t('longTerm') : l.validTo;
  return h(
    'section',
    { class: 'card', id: 'licence-record' },
    facts([
      [t('licenceNumber'), whole(l.licenceNumber), 'licence-number'],
      [t('applicantName'), l.name, 'licence-name'],
      [t('applicantSex'), t(`sex_${l.sex}`)],
      [t('birthDate'), whole(l.birthDate)],
      [t('nationality'), i18n.say(nationalityName(l.nationality)), 'licence-nationality'],
      [t('address'), l.address],
      [t('classes'), formatClasses(l.classes), 'licence-classes'],
      [
        t('validity'),
        h('span', {}, ...keepDatesWhole(t('validityRange', { from: l.validFrom, to: validTo }))),
        'licence-validity',
      ],
      [
        t('state'),
        h(
          'span',
          {
            class: l.status === 'A' ? 'status-tag' : 'status-tag alert',
            id: 'licence-status',
            'data-status': l.status,
          },
          i18n.say(LICENCE_STATUS[l.status]),
        ),
      ],
      [t('points'), t('pointsOf', { n: l.points, limit: POINTS_LIMIT })],
      [t('firstIssueDate'), whole(l.firstIssueDate)],
      [t('issuingAuthority'), l.issuingAuthority],
      [t('fileNumber'), whole(l.fileNumber)],
    ]),
  );
}

/** The status changes its status allows, each after a reason and a confirmation. */
function statusChanges(view: LicenceReply): HTMLElement {
  const number = view.licence.licenceNumber;
  const offered = CHANGES.filter((c) => allows(view.licence, c));
  const section = h(
    'section',
    { class: 'card form', id: 'licence-actions' },
    h('h3', {}, t('statusChange')),
  );
  if (offered.length === 0) {
    section.append(h('p', { class: 'muted', id: 'no-change' }, t('noChange')));
    return section;
  }
  const reason = h('textarea', { id: 'change-reason', maxlength: '200', rows: '2' });
  const status = h('div', { 'aria-live': 'polite', id: 'change-status' });
  const buttons = offered.map((change) =>
    button(
      { class: change === 'restore' ? 'primary' : 'danger', id: change },
      t(`change_${change}` as MessageKey),
      () => {
        const why = reason.value.trim();
        if (why === '') {
          status.replaceChildren(problem(new Error(t('reasonRequired'))));
          reason.focus();
          return;
        }
        confirmFirst(
          status,
          t(`confirm_${change}` as MessageKey, { number, reason: why }),
          () => {
            changeLicence(number, change, why).then(
              () => {
                go(licenceScreen(number, t(`changed_${change}` as MessageKey)));
              },
              (error: unknown) => {
                status.replaceChildren(problem(error));
              },
            );
          },
          change === 'restore' ? {} : { tone: 'danger' },
        );
      },
    ),
  );
  section.append(
    field(t('changeReason'), reason, t('changeReasonHint')),
    h('div', { class: 'row' }, ...buttons),
    status,
  );
  return section;
}

function driverAccount(number: string, { account }: LicenceAccountReply): HTMLElement {
  const section = h(
    'section',
    { class: 'card', id: 'driver-account' },
    h('h3', {}, t('driverAccount')),
  );
  if (account === null) {
    section.append(h('p', { class: 'muted', id: 'no-account' }, t('noAccount')));
    return section;
  }
  const status = h('div', { 'aria-live': 'polite', id: 'account-status' });
  const locked = account.lockedUntil !== null;
  section.append(
    facts([
      [t('registeredAt'), timeText(account.createdAt)],
      [t('boundAt'), account.boundAt === null ? t('notBound') : timeText(account.boundAt)],
      [
        t('signInState'),
        h(
          'span',
          { id: 'account-lock', class: locked ? 'warn' : '' },
          account.lockedUntil === null
            ? t('notLocked')
            : t('lockedUntil', { time: timeText(account.lockedUntil) }),
        ),
      ],
    ]),
  );
  if (locked)
    section.append(
      button({ class: 'secondary', id: 'unlock-driver' }, t('unlock'), () => {
        confirmFirst(status, t('confirmUnlockDriver'), () => {
          unlockDriver(number).then(
            () => {
              go(licenceScreen(number, t('unlockedDriver')));
            },
            (error: unknown) => {
              status.replaceChildren(problem(error));
            },
          );
        });
      }),
      status,
    );
  return section;
}

function credentials(view: LicenceReply): HTMLElement {
  const section = h('section', { class: 'card', id: 'credentials' }, h('h3', {}, t('credentials')));
  if (view.credentials.length === 0) {
    section.append(h('p', { class: 'muted' }, t('noCredentials')));
    return section;
  }
  section.append(
    h(
      'ul',
      { class: 'plain' },
      ...[...view.credentials].reverse().map((c) =>
        h(
          'li',
          { 'data-state': c.state },
          h('strong', {}, t(`credential_${c.state}` as MessageKey)),
          ` · ${t('credentialLine', {
            id: `${c.jti.slice(0, 8)}…`,
            time: timeText(c.expiresAt),
            list: c.listId,
            index: c.index,
          })}`,
        ),
      ),
    ),
  );
  return section;
}

/** The licence's status history, newest first, in words. */
function history(trail: AuditTrailReply): HTMLElement {
  const entries = trail.entries.filter((e) => HISTORY.test(e.action)).reverse();
  return h(
    'section',
    { class: 'card', id: 'status-history' },
    h('h3', {}, t('statusHistory')),
    entries.length === 0
      ? h('p', { class: 'muted' }, t('noHistory'))
      : h(
          'ol',
          { class: 'trail' },
          ...entries.map((e) => {
            return h(
              'li',
              {},
              h(
                'div',
                { class: 'trail-head' },
                h('time', {}, timeText(e.at)),
                h('span', {}, actorWords(i18n, e.actor, state.staffNames)),
                h('strong', { class: 'action', 'data-action': e.action }, actionWords(e.action)),
              ),
              auditDetails(e.before, e.after),
            );
          }),
        ),
  );
}
