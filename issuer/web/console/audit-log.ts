/**
 * 操作日志: the audit log by China days (the last seven by default), of one member of staff,
 * the system or the command line, and of one action, newest first, a page at a time, every
 * entry in words: when, who, what, about what (a licence by its masked number), what changed.
 */
import { chinaDate } from '../../../shared/china-time.js';
import { button, h } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import type { AuditSearchReply } from '../../audit/replies.js';
import { searchAudit, staffList, type AuditFilter } from './admin-api.js';
import { actionWords, actorWords, subjectWords } from './audit-words.js';
import { i18n, inSection, keptUntilSignOut, problem, state, t } from './frame.js';
import { ACTIONS } from './messages.js';
import { auditDetails, field, timeText } from './ui.js';

type Entry = AuditSearchReply['entries'][number];

const DAY_MS = 86_400_000;

/** The filter last used, kept while the console is open. */
let lastFilter: AuditFilter | undefined;
keptUntilSignOut(() => {
  lastFilter = undefined;
});

export const auditScreen: Screen = async (main) => {
  inSection('audit');
  main.append(h('h2', {}, t('section_audit')));
  const { staff } = await staffList();
  state.staffNames = new Map(staff.map((s) => [s.id, s.username]));
  const today = chinaDate(new Date());
  const from = h('input', { type: 'date', id: 'audit-from', required: true, max: today });
  const to = h('input', { type: 'date', id: 'audit-to', required: true, max: today });
  from.value = lastFilter?.from ?? chinaDate(new Date(Date.now() - 6 * DAY_MS));
  to.value = lastFilter?.to ?? today;
  const actor = h(
    'select',
    { id: 'audit-actor' },
    h('option', { value: '' }, t('anyone')),
    ...staff.map((s) => h('option', { value: `staff:${s.id}` }, s.username)),
    h('option', { value: 'system' }, t('actorSystem')),
    h('option', { value: 'cli' }, t('actorCli')),
  );
  actor.value = lastFilter?.actor ?? '';
  const action = h(
    'select',
    { id: 'audit-action' },
    h('option', { value: '' }, t('anyAction')),
    ...Object.entries(ACTIONS)
      .map(([value, words]) => [value, i18n.say(words)] as const)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, words]) => h('option', { value }, words)),
  );
  action.value = lastFilter?.action ?? '';
  const results = h('div', { id: 'audit-results', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card form filters', id: 'audit-filter', novalidate: true },
    h('div', { class: 'row dates' }, field(t('fromDay'), from), field(t('toDay'), to)),
    field(t('actor'), actor),
    field(t('action'), action),
    h('button', { type: 'submit', class: 'primary' }, t('find')),
  );
  const search = () => {
    if (from.value === '' || to.value === '' || to.value < from.value) {
      results.replaceChildren(problem(new Error(t('daysInvalid'))));
      return;
    }
    lastFilter = {
      from: from.value,
      to: to.value,
      ...(actor.value === '' ? {} : { actor: actor.value }),
      ...(action.value === '' ? {} : { action: action.value }),
    };
    results.replaceChildren(h('p', { class: 'muted' }, t('searching')));
    show(results, lastFilter, []);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });
  main.append(form, results);
  search();
};

/** Fetches the page after `shown` and shows every entry so far, with 更多 when there are more. */
function show(results: HTMLElement, filter: AuditFilter, shown: readonly Entry[]): void {
  searchAudit(filter, shown.at(-1)?.id).then(
    (page) => {
      const entries = [...shown, ...page.entries];
      if (entries.length === 0) {
        results.replaceChildren(h('p', { class: 'notice', id: 'audit-none' }, t('auditNone')));
        return;
      }
      const nodes: HTMLElement[] = [
        h('p', { class: 'muted', id: 'audit-count' }, t('auditCount', { n: entries.length })),
        h('ol', { class: 'trail card', id: 'audit-list' }, ...entries.map(entry)),
      ];
      if (page.more) {
        const more = button({ class: 'secondary', id: 'audit-more' }, t('more'), () => {
          more.disabled = true;
          show(results, filter, entries);
        });
        nodes.push(more);
      }
      results.replaceChildren(...nodes);
    },
    (error: unknown) => {
      results.replaceChildren(problem(error));
    },
  );
}

function entry(e: Entry): HTMLElement {
  return h(
    'li',
    { 'data-action': e.action, 'data-id': String(e.id) },
    h(
      'div',
      { class: 'trail-head' },
      h('time', {}, timeText(e.at)),
      h('span', {}, actorWords(i18n, e.actor, state.staffNames)),
      h('strong', { class: 'action' }, actionWords(i18n, e.action)),
      h('span', { class: 'subject' }, subjectWords(i18n, e.subject, state.staffNames)),
    ),
    auditDetails(e.before, e.after),
  );
}
