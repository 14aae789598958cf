/**
 * One application: its photo beside the identity photo of the source (fetched for this look,
 * never kept), the applicant from the registry, the real-person check made at binding, earlier
 * rejections, the pre-check's report and the audit trail in words; approve, or reject with a
 * reason from the list and an optional note, each confirmed first.
 */
import { chinaDateTime } from '../../../shared/china-time.js';
import { button, h } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import { deadlineWords } from './deadline.js';
import { ApiError } from '../common/api.js';
import { actionWords, go, i18n, onLeave, problem, t } from './frame.js';
import { MESSAGES, REJECT_REASONS, type MessageKey } from './messages.js';
import { queueScreen } from './queue.js';
import { application, applicationPhoto, approve, referencePhoto, reject } from './replies.js';
import type { ApplicationDetail, AuditEntryView } from '../../review/review-replies.js';

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
    if (d.hasPhoto) layout.append(await faces(d.id));
    const side = h('div', { class: 'side' }, facts(d), applicant(d));
    if (d.precheck !== null) side.append(precheck(d.precheck));
    if (d.state === 'submitted') side.append(decision(d.id));
    layout.append(side);
    main.append(layout, auditTrail(d.audit));
    if (decided !== undefined) main.prepend(h('p', { class: 'notice', id: 'decided' }, t(decided)));
  };

/** An object URL for `blob`, revoked when the screen is left. */
function urlOf(blob: Blob): string {
  const url = URL.createObjectURL(blob);
  onLeave(() => {
    URL.revokeObjectURL(url);
  });
  return url;
}

/** The submitted photo beside the identity photo, side by side at any width. */
async function faces(id: number): Promise<HTMLElement> {
  const submitted = h(
    'figure',
    { class: 'photo' },
    h('img', { src: urlOf(await applicationPhoto(id)), id: 'photo', alt: t('submittedPhoto') }),
    h('figcaption', {}, t('submittedPhoto')),
  );
  let reference: HTMLElement;
  try {
    reference = h('img', {
      src: urlOf(await referencePhoto(id)),
      id: 'reference-photo',
      alt: t('referencePhoto'),
    });
  } catch (error) {
    const key =
      error instanceof ApiError && error.status === 404
        ? 'referenceNotFound'
        : 'referenceUnavailable';
    reference = h('p', { class: 'warn', id: 'reference-missing' }, t(key));
  }
  return h(
    'div',
    { class: 'faces' },
    submitted,
    h('figure', { class: 'photo' }, reference, h('figcaption', {}, t('referencePhoto'))),
  );
}

/** Who applies, the check that bound the licence, and earlier rejections. */
function applicant(d: ApplicationDetail): HTMLElement {
  const a = d.applicant;
  const check =
    a.boundAt === null
      ? t('bindingLost')
      : a.bindingCheck === null
        ? t('bindingNone')
        : t('bindingPassed', {
            score: a.bindingCheck.score,
            time: chinaDateTime(a.bindingCheck.at * 1000, 'minute'),
          });
  return h(
    'section',
    { class: 'card', id: 'applicant' },
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('applicantName')),
      h('dd', { id: 'applicant-name' }, a.name),
      h('dt', {}, t('applicantSex')),
      h('dd', {}, t(`sex_${a.sex}`)),
      h('dt', {}, t('applicantAge')),
      h('dd', {}, t('ageYears', { age: a.age })),
      h('dt', {}, t('bindingCheck')),
      h('dd', { id: 'binding-check' }, check),
      h('dt', {}, t('earlierRejections')),
      h(
        'dd',
        { id: 'earlier-rejections' },
        d.earlierRejections.length === 0
          ? t('noEarlierRejections')
          : h(
              'ul',
              {},
              ...d.earlierRejections.map((r) =>
                h(
                  'li',
                  {},
                  t('rejectionLine', {
                    id: r.id,
                    time: r.decidedAt === null ? '' : chinaDateTime(r.decidedAt * 1000, 'minute'),
                    reason: r.reason ?? '',
                  }),
                ),
              ),
            ),
      ),
    ),
  );
}

function facts(d: ApplicationDetail): HTMLElement {
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

function precheck(report: NonNullable<ApplicationDetail['precheck']>): HTMLElement {
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
  /** Asks once more before `act`; the decision is sent only on 确认. */
  const confirmFirst = (question: string, act: () => void) => {
    const yes = button({ class: 'primary', id: 'confirm-decision' }, t('confirmYes'), act);
    const no = button({ id: 'cancel-decision' }, t('confirmNo'), () => {
      status.replaceChildren();
    });
    status.replaceChildren(
      // Named by its question (WCAG 4.1.2: a dialog has a name).
      h(
        'div',
        { class: 'confirm', role: 'alertdialog', 'aria-labelledby': 'confirm-question' },
        h('p', { id: 'confirm-question' }, question),
        yes,
        no,
      ),
    );
    yes.focus();
  };
  const approveButton = button({ class: 'primary', id: 'approve' }, t('approve'), () => {
    confirmFirst(t('confirmApprove'), () => {
      decide(approve(id), 'approved');
    });
  });
  const rejectButton = button({ class: 'danger', id: 'reject' }, t('reject'), () => {
    if (select.value === '') {
      status.replaceChildren(problem(new Error(t('chooseReason'))));
      return;
    }
    const extra = note.value.trim();
    const other = select.value === MESSAGES.reason8.zh;
    if (other && extra === '') {
      status.replaceChildren(problem(new Error(t('noteForOther'))));
      return;
    }
    const reason = rejectionReason(select.value, extra, other);
    confirmFirst(t('confirmReject'), () => {
      decide(reject(id, reason), 'rejected');
    });
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

/**
 * The reason the driver reads, one phrase that the notice puts in one sentence: the reason from
 * the list with the note in brackets (背景不是白色或不均匀（左侧有阴影）), or for 其他 the note
 * alone; never a second colon.
 */
function rejectionReason(listed: string, note: string, other: boolean): string {
  const said = note.replace(/[。.;；]+$/u, '');
  if (other) return said;
  return said === '' ? listed : `${listed}（${said}）`;
}

/** Who did it, in words. */
function actorWords(actor: string): string {
  if (actor === 'system') return t('actorSystem');
  if (actor.startsWith('driver:')) return t('actorDriver');
  if (actor.startsWith('staff:')) return t('actorStaff', { id: actor.slice('staff:'.length) });
  return actor;
}

/** One recorded value in words: states, paths and outcomes by name, times in China time. */
function valueWords(field: string, value: unknown): string {
  if (typeof value === 'number' && (field === 'deadline' || field.endsWith('At')))
    return chinaDateTime(value * 1000, 'minute');
  if (typeof value === 'boolean') return t(value ? 'yes' : 'no');
  // A photo by the start of its hash: enough to tell one submission's photo from another's.
  if (field === 'photoHash' && typeof value === 'string') return `${value.slice(0, 8)}…`;
  const named = { state: 'state_', path: 'path_', outcome: 'outcome_' }[field];
  if (named !== undefined && i18n.has(`${named}${String(value)}`))
    return t(`${named}${String(value)}` as MessageKey);
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value === null) return '—';
  return Array.isArray(value) ? value.map((v) => valueWords(field, v)).join('、') : '…';
}

/** What an entry changed, in words: 状态：待审核 → 已通过；原因：…. */
function detailWords(before: unknown, after: unknown): string {
  const asRecord = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const was = asRecord(before);
  const now = asRecord(after);
  const [colon, separator] = i18n.lang() === 'zh' ? ['：', '；'] : [': ', '; '];
  return (
    [...new Set([...Object.keys(was), ...Object.keys(now)])]
      // A field without words (a request id, a provider's reference) tells a reviewer nothing.
      .filter((field) => i18n.has(`auditField_${field}`))
      .map((field) => {
        const label = t(`auditField_${field}` as MessageKey);
        const from = field in was ? valueWords(field, was[field]) : undefined;
        const to = field in now ? valueWords(field, now[field]) : undefined;
        const words =
          from !== undefined && to !== undefined && from !== to
            ? `${from} → ${to}`
            : (to ?? from ?? '');
        return `${label}${colon}${words}`;
      })
      .join(separator)
  );
}

/**
 * The audit trail as a list, newest last: when, who and what on one line, what changed below it.
 * A list, not a table, so that it reads at phone width.
 */
function auditTrail(entries: readonly AuditEntryView[]): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'audit' },
    h('h3', {}, t('audit')),
    h(
      'ol',
      { class: 'trail' },
      ...entries.map((e) => {
        const details = detailWords(e.before, e.after);
        return h(
          'li',
          {},
          h(
            'div',
            { class: 'trail-head' },
            h('time', {}, chinaDateTime(e.at * 1000, 'minute')),
            h('span', {}, actorWords(e.actor)),
            h('strong', { class: 'action', 'data-action': e.action }, actionWords(e.action)),
          ),
          details === '' ? null : h('div', { class: 'details' }, details),
        );
      }),
    ),
  );
}
