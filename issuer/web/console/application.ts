/**
 * One application: its photo at full size, the facts, the pre-check's report and the audit
 * trail; approve, or reject with a reason from the list and an optional note.
 */
import { chinaDateTime } from '../../../shared/web/china-time.js';
import { button, h } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import { deadlineWords } from './deadline.js';
import { actionWords, go, onLeave, problem, t } from './frame.js';
import { MESSAGES, REJECT_REASONS, type MessageKey } from './messages.js';
import { queueScreen } from './queue.js';
import {
  application,
  applicationPhoto,
  approve,
  reject,
  type AuditEntry,
  type Detail,
} from './replies.js';

/** The application `id`; `decided` is the notice of a decision just taken, shown above it. */
export const applicationScreen =
  (id: number, decided?: 'approved' | 'rejected'): Screen =>
  async (main) => {
    const back = button({ class: 'link', id: 'back' }, t('back'), () => {
      go(queueScreen);
    });
    const d = await application(id);
    main.append(back, h('h2', {}, t('application', { id: d.id })));
    const layout = h('div', { class: 'detail' });
    if (d.hasPhoto) {
      const photoUrl = URL.createObjectURL(await applicationPhoto(id));
      onLeave(() => {
        URL.revokeObjectURL(photoUrl);
      });
      layout.append(
        h(
          'figure',
          { class: 'photo' },
          h('img', { src: photoUrl, id: 'photo', alt: t('application', { id: d.id }) }),
        ),
      );
    }
    const side = h('div', { class: 'side' }, facts(d));
    if (d.precheck !== null) side.append(precheck(d.precheck));
    if (d.state === 'submitted') side.append(decision(d.id));
    layout.append(side);
    main.append(layout, auditTable(d.audit));
    if (decided !== undefined) main.prepend(h('p', { class: 'notice', id: 'decided' }, t(decided)));
  };

function facts(d: Detail): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, t('licenceNumber')),
    h('dd', {}, d.licenceNumber),
    h('dt', {}, t('state')),
    h('dd', { id: 'detail-state' }, t(`state_${d.state}` as MessageKey)),
    d.reason === null ? null : h('dt', {}, t('rejectReason')),
    d.reason === null ? null : h('dd', { id: 'detail-reason' }, d.reason),
    d.deadline === null ? null : h('dt', {}, t('deadline', { time: '' }).trim()),
    d.deadline === null
      ? null
      : h(
          'dd',
          { class: d.overdue ? 'overdue-text' : '', id: 'detail-deadline' },
          deadlineWords({ ...d, deadline: d.deadline }, t),
        ),
  );
}

function precheck(report: NonNullable<Detail['precheck']>): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'precheck' },
    h('h3', {}, t('precheck')),
    h('p', {}, t('precheckPassed')),
    h('p', {}, t('precheckSize', { width: report.width, height: report.height })),
    h(
      'p',
      { class: report.takenAt === null ? 'warn' : '' },
      report.takenAt === null
        ? t('takenUnknown')
        : t('takenAt', { time: chinaDateTime(report.takenAt * 1000, 'minute') }),
    ),
  );
}

function decision(id: number): HTMLElement {
  const status = h('div', { 'aria-live': 'polite', id: 'decision-status' });
  const decide = (answer: Promise<unknown>, notice: 'approved' | 'rejected') => {
    answer.then(
      () => {
        go(applicationScreen(id, notice));
      },
      (error: unknown) => {
        status.replaceChildren(problem(error));
      },
    );
  };
  const select = h(
    'select',
    { id: 'reject-reason', required: true },
    h('option', { value: '' }, t('chooseReason')),
    ...REJECT_REASONS.map((key) => h('option', { value: MESSAGES[key].zh }, t(key))),
  );
  const note = h('input', { id: 'reject-note', maxlength: '200' });
  const approveButton = button({ class: 'primary', id: 'approve' }, t('approve'), () => {
    decide(approve(id), 'approved');
  });
  const rejectButton = button({ class: 'danger', id: 'reject' }, t('reject'), () => {
    if (select.value === '') {
      status.replaceChildren(problem(new Error(t('chooseReason'))));
      return;
    }
    const extra = note.value.trim();
    decide(reject(id, extra === '' ? select.value : `${select.value}：${extra}`), 'rejected');
  });
  return h(
    'section',
    { class: 'card decision' },
    approveButton,
    h('label', { class: 'field' }, h('span', {}, t('rejectReason')), select),
    h('label', { class: 'field' }, h('span', {}, t('rejectNote')), note),
    rejectButton,
    status,
  );
}

function auditTable(entries: readonly AuditEntry[]): HTMLElement {
  const text = (value: unknown) =>
    value === null || value === undefined ? '' : JSON.stringify(value);
  const head = [t('at'), t('actor'), t('action'), t('details')].map((label) => h('th', {}, label));
  return h(
    'section',
    { class: 'card', id: 'audit' },
    h('h3', {}, t('audit')),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...head)),
      h(
        'tbody',
        {},
        ...entries.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, chinaDateTime(e.at * 1000, 'minute')),
            h('td', {}, e.actor),
            h('td', { 'data-action': e.action }, actionWords(e.action)),
            h(
              'td',
              { class: 'json' },
              [text(e.before), text(e.after)].filter((s) => s !== '').join(' → '),
            ),
          ),
        ),
      ),
    ),
  );
}
