/**
 * One application: its photo beside the identity photo of the source (fetched for this look,
 * never kept), the applicant from the registry, the real-person check made at binding, earlier
 * rejections, the pre-check's report and the audit trail in words; approve, or reject with a
 * reason from the list and an optional note, each confirmed first.
 */
import { chinaDateTime } from '../../../shared/china-time.js';
import { button, h, keepDatesWhole, whole } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import { deadlineWords } from './deadline.js';
import { ApiError } from '../common/api.js';
import { actorWords } from './audit-words.js';
import { actionWords, go, i18n, inSection, onLeave, problem, state, t } from './frame.js';
import { MESSAGES, REJECT_REASONS, type MessageKey } from './messages.js';
import { queueScreen } from './queue.js';
import { auditDetails, confirmFirst } from './ui.js';
import { application, applicationPhoto, approve, referencePhoto, reject } from './replies.js';
import type { ApplicationDetail, AuditEntryView } from '../../review/review-replies.js';

/** The application `id`; `decided` is the notice of a decision just taken, shown above it. */
export const applicationScreen =
  (id: number, decided?: 'approved' | 'rejected'): Screen =>
  async (main) => {
    inSection('queue');
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
      h('dd', { id: 'binding-check' }, ...keepDatesWhole(check)),
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
    h('dd', {}, whole(d.licenceNumber)),
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
      ...keepDatesWhole(
        report.takenAt === null
          ? t('takenUnknown')
          : t('takenAt', { time: chinaDateTime(report.takenAt * 1000, 'minute') }),
      ),
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
  const confirm = (question: string, act: () => void) => {
    confirmFirst(status, question, act, {
      ids: { yes: 'confirm-decision', no: 'cancel-decision' },
    });
  };
  const approveButton = button({ class: 'primary', id: 'approve' }, t('approve'), () => {
    confirm(t('confirmApprove'), () => {
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
    confirm(t('confirmReject'), () => {
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
      ...entries.map((e) =>
        h(
          'li',
          {},
          h(
            'div',
            { class: 'trail-head' },
            h('time', {}, chinaDateTime(e.at * 1000, 'minute')),
            h('span', {}, actorWords(i18n, e.actor, state.staffNames)),
            h('strong', { class: 'action', 'data-action': e.action }, actionWords(e.action)),
          ),
          auditDetails(e.before, e.after),
        ),
      ),
    ),
  );
}
