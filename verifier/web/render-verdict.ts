import { LICENCE_STATUS } from '../../shared/licence/codes.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import type { CheckResult, CheckStatus, Words } from '../report.js';
import { FIELD_LABELS, NATIONALITY, SEX, UI } from './app-messages.js';
import type { Verdict } from './decide-verdict.js';
import { h } from './dom.js';
import { chinaDateTime, say, type Lang } from './format.js';

const MARK: Readonly<Record<Verdict['tone'], string>> = { valid: '✓', warning: '!', invalid: '✕' };
const SYMBOL: Readonly<Record<CheckStatus, string>> = {
  PASSED: '✓',
  FAILED: '✕',
  WARNING: '!',
  SKIPPED: '–',
};

/**
 * The verdict screen: the colour and the verdict in words at the top (the reason when red, the
 * warnings when amber), the licence laid out like the paper card with room for the portrait,
 * then every check of the core's report.
 */
export function renderVerdict(verdict: Verdict, lang: Lang, verifiedAtMs: number): HTMLElement[] {
  const kicker =
    verdict.tone === 'valid'
      ? UI.kickerValid
      : verdict.tone === 'warning'
        ? UI.kickerWarning
        : UI.kickerInvalid;
  const banner = h(
    'div',
    { id: 'verdict', class: 'verdict', 'data-tone': verdict.tone, 'data-code': verdict.code },
    h(
      'div',
      { class: 'verdict-head' },
      h('div', { class: 'verdict-mark', 'aria-hidden': 'true' }, MARK[verdict.tone]),
      h(
        'div',
        {},
        h('div', { class: 'verdict-kicker' }, say(kicker, lang)),
        h('p', { id: 'verdict-text', class: 'verdict-text' }, say(verdict.headline, lang)),
      ),
    ),
    verdict.notices.length === 0
      ? undefined
      : h(
          'ul',
          { class: 'verdict-notices' },
          ...verdict.notices.map((n) => h('li', { 'data-code': n.code }, say(n.message, lang))),
        ),
    h(
      'div',
      { class: 'verdict-time' },
      `${say(UI.verifiedAt, lang)} ${chinaDateTime(verifiedAtMs)}`,
    ),
  );
  const parts: HTMLElement[] = [banner];
  const licence = verdict.report.licence;
  if (licence !== undefined) parts.push(renderCard(licence, lang));
  parts.push(
    h(
      'section',
      { class: 'checks' },
      h('h2', {}, say(UI.checks, lang)),
      h('ol', {}, ...checkLines(verdict.report.checks, lang)),
    ),
  );
  return parts;
}

/**
 * One line per check run; the checks not run after a failure share one line (each would only
 * say the same), keeping the list short enough to read.
 */
function checkLines(checks: readonly CheckResult[], lang: Lang): HTMLElement[] {
  const run = checks.filter((c) => c.status !== 'SKIPPED');
  const skipped = checks.filter((c) => c.status === 'SKIPPED');
  const lines = run.map((c) =>
    h(
      'li',
      { class: 'check', 'data-id': c.id, 'data-status': c.status, 'data-code': c.code },
      h('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOL[c.status]),
      h('span', {}, say(c.message, lang)),
    ),
  );
  const first = skipped[0];
  if (first !== undefined)
    lines.push(
      h(
        'li',
        { class: 'check', 'data-id': skipped.map((c) => c.id).join(' '), 'data-status': 'SKIPPED' },
        h('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOL.SKIPPED),
        h(
          'span',
          {},
          `${say(first.message, lang)} · ${skipped.length} ${say(UI.skippedCount, lang)}`,
        ),
      ),
    );
  return lines;
}

/** The licence fields in the paper card's order, the portrait box on the right as printed. */
function renderCard(licence: LicenceRecord, lang: Lang): HTMLElement {
  const validity =
    licence.validTo === 'long-term'
      ? `${licence.validFrom} ${say(UI.to, lang)} ${say(UI.longTerm, lang)}`
      : `${licence.validFrom} ${say(UI.to, lang)} ${licence.validTo}`;
  const rows: [keyof typeof FIELD_LABELS, string][] = [
    ['licenceNumber', licence.licenceNumber],
    ['name', licence.name],
    ['sex', known(SEX, licence.sex, lang)],
    ['nationality', known(NATIONALITY, licence.nationality, lang)],
    ['address', licence.address],
    ['birthDate', licence.birthDate],
    ['firstIssueDate', licence.firstIssueDate],
    ['classes', licence.classes.join(' ')],
    ['validity', validity],
    ['issuingAuthority', licence.issuingAuthority],
    ['fileNumber', licence.fileNumber],
  ];
  const status = LICENCE_STATUS[licence.status];
  rows.push(['status', `${licence.status} ${say(status, lang)}`]);
  // Rows 2-7 sit beside the portrait (as on the card); the licence number above and the rest
  // below take the whole width.
  return h(
    'article',
    { class: 'card', 'data-status': licence.status },
    h('h2', {}, say(UI.licenceTitle, lang)),
    h(
      'div',
      { class: 'card-body' },
      h(
        'dl',
        { class: 'fields' },
        ...rows.flatMap(([key, value], i) => [
          h('dt', {}, say(FIELD_LABELS[key], lang)),
          h('dd', { 'data-field': key, class: i === 0 || i > 6 ? 'wide' : undefined }, value),
        ]),
      ),
      h('div', { id: 'portrait', class: 'portrait', 'data-state': 'pending' }),
    ),
  );
}

/** The words for a code in the language chosen, or the code itself when it has none. */
function known(table: Readonly<Record<string, Words>>, code: string, lang: Lang): string {
  const words = table[code];
  return words === undefined ? code : say(words, lang);
}
