/*
 * The reviewers' console: staff sign-in, the queue by deadline (overdue marked), one
 * application with its photo at full size, the pre-check's report and the audit trail; approve,
 * or reject with a reason from the list and an optional note.
 */
import { api, ApiError, setCsrfToken } from '../common/api.js';
import { chinaDateTime } from '../common/china-time.js';
import { byId, h } from '../common/dom.js';
import { deadlineWords } from './deadline.js';
import { translator } from '../common/i18n.js';
import { ACTIONS, MESSAGES, REJECT_REASONS, type MessageKey } from './messages.js';

const i18n = translator(MESSAGES, 'lz-console-lang');
const t = i18n.t;

interface QueueEntry {
  readonly id: number;
  readonly path: 'camera' | 'album';
  readonly licenceNumber: string;
  readonly submittedAt: number | null;
  readonly deadline: number | null;
  /** The deadline was counted past the service's working calendar (Monday to Friday). */
  readonly deadlineProvisional: boolean;
  readonly overdue: boolean;
}

interface Detail extends Omit<QueueEntry, 'path'> {
  readonly path: 'stored' | 'camera' | 'album';
  readonly state: string;
  readonly reason: string | null;
  readonly hasPhoto: boolean;
  readonly precheck: { width: number; height: number; takenAt: number | null } | null;
  readonly audit: readonly {
    at: number;
    actor: string;
    action: string;
    before: unknown;
    after: unknown;
  }[];
}

type View = () => Promise<void>;
let current: View = signInView;
let photoUrl: string | undefined;

function go(view: View): void {
  current = view;
  if (photoUrl !== undefined) URL.revokeObjectURL(photoUrl);
  photoUrl = undefined;
  byId('main').replaceChildren();
  view().catch((error: unknown) => {
    byId('main').append(problem(error));
  });
}

function problem(error: unknown): HTMLElement {
  let text = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError) {
    text =
      error.code === 'ERR_SIGN_IN_FAILED'
        ? t('signInFailed')
        : error.code === 'ERR_RATE_LIMITED'
          ? t('rateLimited')
          : t('error', { code: error.code });
  }
  return h('p', { class: 'error', role: 'alert' }, text);
}

function header(signedIn: boolean): void {
  const lang = h('button', { type: 'button', id: 'language' }, t('switchLang'));
  lang.addEventListener('click', () => {
    i18n.setLang(i18n.lang() === 'zh' ? 'en' : 'zh');
    header(signedIn);
    go(current);
  });
  const out = h('button', { type: 'button', id: 'sign-out' }, t('signOut'));
  out.addEventListener('click', () => {
    void api('DELETE', '/api/session')
      .catch(() => undefined)
      .then(() => {
        setCsrfToken(undefined);
        header(false);
        go(signInView);
      });
  });
  document.title = t('title');
  byId('bar').replaceChildren(h('h1', {}, t('title')), h('nav', {}, lang, signedIn ? out : null));
}

async function signInView(): Promise<void> {
  const form = h(
    'form',
    { class: 'card form', id: 'sign-in' },
    h('h2', {}, t('signIn')),
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('username')),
      h('input', { name: 'username', id: 'username', required: true, autocomplete: 'username' }),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('password')),
      h('input', {
        name: 'password',
        id: 'password',
        type: 'password',
        required: true,
        autocomplete: 'current-password',
      }),
    ),
    h('button', { type: 'submit', class: 'primary' }, t('signIn')),
  );
  const status = h('div', { 'aria-live': 'polite' });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    api<{ role: string }>('POST', '/api/session', {
      json: { kind: 'staff', username: value('username').trim(), password: value('password') },
    }).then(
      (who) => {
        if (who.role !== 'reviewer' && who.role !== 'admin') {
          status.replaceChildren(problem(new Error(t('notStaff'))));
          return;
        }
        header(true);
        go(queueView);
      },
      (error: unknown) => {
        status.replaceChildren(problem(error));
      },
    );
  });
  byId('main').append(form, status);
  return Promise.resolve();
}

async function queueView(): Promise<void> {
  const main = byId('main');
  const refresh = h(
    'button',
    { type: 'button', class: 'secondary small', id: 'refresh' },
    t('refresh'),
  );
  refresh.addEventListener('click', () => {
    go(queueView);
  });
  main.append(h('div', { class: 'title-row' }, h('h2', {}, t('queue')), refresh));
  const { applications } = await api<{ applications: QueueEntry[] }>('GET', '/api/review/queue');
  if (applications.length === 0) {
    main.append(h('p', { class: 'notice', id: 'queue-empty' }, t('queueEmpty')));
    return;
  }
  const list = h('ul', { class: 'queue', id: 'queue' });
  for (const a of applications) {
    const item = h(
      'button',
      { type: 'button', class: a.overdue ? 'entry overdue' : 'entry', 'data-id': String(a.id) },
      h('span', { class: 'entry-id' }, `#${a.id}`),
      h('span', { class: 'entry-number' }, a.licenceNumber),
      h('span', { class: 'entry-path' }, t(`path_${a.path}`)),
      h(
        'span',
        { class: 'entry-deadline' },
        a.deadline === null ? '' : t('deadline', { time: chinaDateTime(a.deadline) }),
        a.deadline !== null && a.deadlineProvisional
          ? h('span', { class: 'entry-provisional' }, ` · ${t('provisional')}`)
          : null,
      ),
      a.overdue ? h('span', { class: 'badge' }, t('overdue')) : null,
    );
    item.addEventListener('click', () => {
      go(() => detailView(a.id));
    });
    list.append(h('li', {}, item));
  }
  main.append(list);
}

async function detailView(id: number): Promise<void> {
  const main = byId('main');
  const back = h('button', { type: 'button', class: 'link', id: 'back' }, t('back'));
  back.addEventListener('click', () => {
    go(queueView);
  });
  const d = await api<Detail>('GET', `/api/review/applications/${id}`);
  main.append(back, h('h2', {}, t('application', { id: d.id })));
  const facts = h(
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
  const layout = h('div', { class: 'detail' });
  if (d.hasPhoto) {
    const blob = await api<Blob>('GET', `/api/review/applications/${id}/photo`);
    photoUrl = URL.createObjectURL(blob);
    layout.append(
      h(
        'figure',
        { class: 'photo' },
        h('img', { src: photoUrl, id: 'photo', alt: t('application', { id: d.id }) }),
      ),
    );
  }
  const side = h('div', { class: 'side' }, facts);
  if (d.precheck !== null)
    side.append(
      h(
        'section',
        { class: 'card', id: 'precheck' },
        h('h3', {}, t('precheck')),
        h('p', {}, t('precheckPassed')),
        h('p', {}, t('precheckSize', { width: d.precheck.width, height: d.precheck.height })),
        h(
          'p',
          { class: d.precheck.takenAt === null ? 'warn' : '' },
          d.precheck.takenAt === null
            ? t('takenUnknown')
            : t('takenAt', { time: chinaDateTime(d.precheck.takenAt) }),
        ),
      ),
    );
  if (d.state === 'submitted') side.append(decision(d.id));
  layout.append(side);
  main.append(layout, auditTable(d.audit));
}

function decision(id: number): HTMLElement {
  const status = h('div', { 'aria-live': 'polite', id: 'decision-status' });
  const approve = h('button', { type: 'button', class: 'primary', id: 'approve' }, t('approve'));
  const select = h(
    'select',
    { id: 'reject-reason', required: true },
    h('option', { value: '' }, t('chooseReason')),
    ...REJECT_REASONS.map((key) => h('option', { value: MESSAGES.zh[key] }, t(key))),
  );
  const note = h('input', { id: 'reject-note', maxlength: '200' });
  const reject = h('button', { type: 'button', class: 'danger', id: 'reject' }, t('reject'));
  approve.addEventListener('click', () => {
    api('POST', `/api/review/applications/${id}/approve`, { json: {} }).then(
      () => {
        go(async () => {
          await detailView(id);
          byId('main').prepend(h('p', { class: 'notice', id: 'decided' }, t('approved')));
        });
      },
      (error: unknown) => {
        status.replaceChildren(problem(error));
      },
    );
  });
  reject.addEventListener('click', () => {
    if (select.value === '') {
      status.replaceChildren(problem(new Error(t('chooseReason'))));
      return;
    }
    const extra = note.value.trim();
    const reason = extra === '' ? select.value : `${select.value}：${extra}`;
    api('POST', `/api/review/applications/${id}/reject`, { json: { reason } }).then(
      () => {
        go(async () => {
          await detailView(id);
          byId('main').prepend(h('p', { class: 'notice', id: 'decided' }, t('rejected')));
        });
      },
      (error: unknown) => {
        status.replaceChildren(problem(error));
      },
    );
  });
  return h(
    'section',
    { class: 'card decision' },
    approve,
    h('label', { class: 'field' }, h('span', {}, t('rejectReason')), select),
    h('label', { class: 'field' }, h('span', {}, t('rejectNote')), note),
    reject,
    status,
  );
}

function auditTable(entries: Detail['audit']): HTMLElement {
  const text = (value: unknown) =>
    value === null || value === undefined ? '' : JSON.stringify(value);
  return h(
    'section',
    { class: 'card', id: 'audit' },
    h('h3', {}, t('audit')),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t('at')),
          h('th', {}, t('actor')),
          h('th', {}, t('action')),
          h('th', {}, t('details')),
        ),
      ),
      h(
        'tbody',
        {},
        ...entries.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, chinaDateTime(e.at)),
            h('td', {}, e.actor),
            h('td', { 'data-action': e.action }, ACTIONS[e.action]?.[i18n.lang()] ?? e.action),
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

async function start(): Promise<void> {
  try {
    const me = await api<{ role: string }>('GET', '/api/me');
    const staff = me.role === 'reviewer' || me.role === 'admin';
    header(staff);
    go(staff ? queueView : signInView);
  } catch {
    header(false);
    go(signInView);
  }
}

void start();
