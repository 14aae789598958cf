/**
 * 驾驶证: an admin finds a licence by its number: the whole number opens it; the first digits
 * (at least the region's six) or the masked form the lists show (440106********2429) list the
 * matches, masked, with their status; one opens its detail, the only place the whole number is
 * shown.
 */
import { maskLicenceNumber } from '../../../shared/licence/id-number.js';
import { LICENCE_STATUS } from '../../../shared/licence/codes.js';
import { button, h } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import type { LicenceSearchReply } from '../../registry/replies.js';
import { searchLicences } from './admin-api.js';
import { go, i18n, inSection, keptUntilSignOut, problem, t } from './frame.js';
import { licenceScreen } from './licence.js';
import { field } from './ui.js';

/** What the search takes (the service's rule, issuer/registry/search-licences.ts). */
const QUERY = /^(\d{6,17}|\d{17}[\dX]|\d{6}\*{8}\d{3}[\dX])$/;
const WHOLE = /^\d{17}[\dX]$/;

/** The last search, kept while the console is open: coming back from a licence shows it again. */
let last: { query: string; found: LicenceSearchReply['licences']; more: boolean } | undefined;
keptUntilSignOut(() => {
  last = undefined;
});

/** A licence number as typed: spaces gone, a lower-case check character raised. */
const normalise = (text: string): string => text.replace(/\s+/g, '').toUpperCase();

export const licencesScreen: Screen = (main) => {
  inSection('licences');
  const input = h('input', {
    id: 'licence-query',
    name: 'number',
    inputmode: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: '24',
    placeholder: '440106********2429',
    required: true,
  });
  input.value = last?.query ?? '';
  const form = h(
    'form',
    { class: 'card form', id: 'licence-search', novalidate: true },
    field(t('licenceQuery'), input, t('licenceQueryHint')),
    h('button', { type: 'submit', class: 'primary' }, t('find')),
  );
  const results = h('div', { id: 'licence-results', 'aria-live': 'polite' });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = normalise(input.value);
    input.value = query;
    if (!QUERY.test(query)) {
      results.replaceChildren(problem(new Error(t('licenceQueryInvalid'))));
      return;
    }
    if (WHOLE.test(query)) {
      last = { query, found: [], more: false };
      go(licenceScreen(query));
      return;
    }
    results.replaceChildren(h('p', { class: 'muted' }, t('searching')));
    searchLicences(query).then(
      (found) => {
        last = { query, found: found.licences, more: found.more };
        show(results);
      },
      (error: unknown) => {
        results.replaceChildren(problem(error));
      },
    );
  });
  main.append(h('h2', {}, t('section_licences')), form, results);
  if (last !== undefined && last.found.length > 0) show(results);
};

/** The matches of the last search, masked, with a button for the next page. */
function show(results: HTMLElement): void {
  if (last === undefined) return;
  const { query, found, more } = last;
  if (found.length === 0) {
    results.replaceChildren(h('p', { class: 'notice', id: 'licence-none' }, t('licenceNone')));
    return;
  }
  const list = h('ul', { class: 'queue', id: 'licence-list' });
  for (const l of found) {
    const item = h(
      'button',
      { type: 'button', class: 'entry', 'data-status': l.status },
      h('span', { class: 'entry-number' }, maskLicenceNumber(l.licenceNumber)),
      h(
        'span',
        { class: l.status === 'A' ? 'status-tag' : 'status-tag alert' },
        i18n.say(LICENCE_STATUS[l.status]),
      ),
      h(
        'span',
        { class: 'entry-deadline' },
        `${l.issuingAuthority} · ${t('validUntil', { date: l.validTo === 'long-term' ? t('longTerm') : l.validTo })}`,
      ),
    );
    item.addEventListener('click', () => {
      go(licenceScreen(l.licenceNumber));
    });
    list.append(h('li', {}, item));
  }
  const nodes: HTMLElement[] = [
    h('p', { class: 'muted' }, t('licenceFound', { n: found.length })),
    list,
  ];
  if (more) {
    const next = button({ class: 'secondary', id: 'licence-more' }, t('more'), () => {
      next.disabled = true;
      searchLicences(query, found.at(-1)?.licenceNumber).then(
        (page) => {
          last = { query, found: [...found, ...page.licences], more: page.more };
          show(results);
        },
        (error: unknown) => {
          next.after(problem(error));
        },
      );
    });
    nodes.push(next);
  }
  results.replaceChildren(...nodes);
}
