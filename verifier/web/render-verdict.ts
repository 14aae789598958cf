import {
  LICENCE_STATUS,
  nationalityName,
  type LicenceStatusCode,
} from '../../shared/licence/codes.js';
import { formatClasses } from '../../shared/licence/format-classes.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import { NOT_SHOWN } from '../internal/messages.js';
import type { CheckResult, CheckStatus, Disclosure, VerdictCode, Words } from '../report.js';
import { chinaDateTime } from '../../shared/china-time.js';
import { groupsInSentence, PURPOSE_WORDS } from '../../shared/sd/words.js';
import { h, keepDatesWhole } from '../../shared/web/dom.js';
import type { Translator } from '../../shared/web/i18n.js';
import { CHECK_NAMES, FIELD_LABELS, SEX, type UiKey } from './app-messages.js';
import type { CodeKind } from './code-kind.js';
import type { Verdict } from './decide-verdict.js';
import type { PortraitOutcome } from './fetch-portrait.js';

/** The app's translator. */
type I18n = Translator<UiKey>;

const MARK: Readonly<Record<Verdict['tone'], string>> = { valid: '✓', warning: '!', invalid: '✕' };
/** The verdict's colour in words, above the headline: the colour is never the only sign. */
const KICKER: Readonly<Record<Verdict['tone'], UiKey>> = {
  valid: 'kickerValid',
  warning: 'kickerWarning',
  invalid: 'kickerInvalid',
};
const SYMBOL: Readonly<Record<CheckStatus, string>> = {
  PASSED: '✓',
  FAILED: '✕',
  WARNING: '!',
  SKIPPED: '–',
};

/**
 * The verdict screen: the colour and the verdict in words at the top (the reason when red, the
 * warnings when amber), who the code was made for and, unless for the police, that it shows only
 * what the holder chose; then the age result when an age flag was shown, the licence laid out
 * like the paper card with room for the portrait (when any licence field was shown), and every
 * check of the core's report.
 */
export function renderVerdict(verdict: Verdict, i18n: I18n, verifiedAtMs: number): HTMLElement[] {
  const kicker = KICKER[verdict.tone];
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
        h('div', { class: 'verdict-kicker' }, i18n.t(kicker)),
        h('h2', { id: 'verdict-text', class: 'verdict-text' }, i18n.say(verdict.headline)),
      ),
    ),
    verdict.notices.length === 0
      ? undefined
      : h(
          'ul',
          { class: 'verdict-notices' },
          ...verdict.notices.map((n) => h('li', { 'data-code': n.code }, i18n.say(n.message))),
        ),
    ...purposeLines(verdict.report.disclosure, i18n),
    // When it was verified and, once the core has read it, when the holder's phone made the
    // code (its proof's iat): both in China's time, each value on one line.
    h(
      'dl',
      { class: 'verdict-times' },
      h('dt', {}, i18n.t('verifiedAt')),
      h('dd', { id: 'verdict-time' }, chinaDateTime(verifiedAtMs)),
      ...(verdict.report.proof === undefined
        ? []
        : [
            h('dt', {}, i18n.t('madeAt')),
            h('dd', { id: 'verdict-made' }, chinaDateTime(verdict.report.proof.iat * 1000)),
          ]),
      h('dd', { class: 'verdict-zone' }, i18n.t('chinaTime')),
    ),
  );
  const parts: HTMLElement[] = [banner];
  const { licence, disclosure } = verdict.report;
  const age =
    disclosure === undefined
      ? undefined
      : renderAge(disclosure, licence?.birthDate !== undefined, verdict.tone, i18n);
  if (age !== undefined) parts.push(age);
  // A code that showed no licence field (an age check) gets no card of 未出示 rows: the age
  // result above is all it says.
  if (licence !== undefined && Object.keys(licence).length > 0)
    parts.push(renderCard(licence, statusAtIssue(verdict, licence.status), i18n));
  parts.push(
    h(
      'section',
      { class: 'checks' },
      h('h2', {}, i18n.t('checks')),
      h('ol', {}, ...checkLines(verdict.report.checks, i18n)),
    ),
  );
  return parts;
}

/**
 * What a screen reader is told when a verdict comes (the page's live region): the kicker and the
 * headline, then each notice.
 */
export function verdictAnnouncement(verdict: Verdict, i18n: I18n): string {
  return [
    i18n.t('announce', {
      kicker: i18n.t(KICKER[verdict.tone]),
      headline: i18n.say(verdict.headline),
    }),
    ...verdict.notices.map((n) => i18n.say(n.message)),
  ].join(i18n.t('sentenceSeparator'));
}

/** What a screen reader is told of a code that is not an e-licence code. */
export function notLicenceAnnouncement(
  kind: Exclude<CodeKind, 'presentation'>,
  i18n: I18n,
): string {
  return [i18n.t(NOT_LICENCE[kind]), i18n.t('scanAgainHint')].join(i18n.t('sentenceSeparator'));
}

/** What a code that is not a presentation is, in words (code-kind.ts). */
const NOT_LICENCE: Readonly<Record<Exclude<CodeKind, 'presentation'>, UiKey>> = {
  request: 'requestCode',
  other: 'notLicence',
};

/**
 * The answer to a code that is not an e-licence code (a payment or WeChat code, a verifier's
 * request): neutral, not a verdict; nothing was checked, so it is neither green nor red, and it
 * says to scan the holder's code again.
 */
export function renderNotLicence(
  kind: Exclude<CodeKind, 'presentation'>,
  i18n: I18n,
): HTMLElement[] {
  return [
    h(
      'div',
      { id: 'verdict', class: 'verdict', 'data-tone': 'none', 'data-code': kind },
      h(
        'div',
        { class: 'verdict-head' },
        h('div', { class: 'verdict-mark', 'aria-hidden': 'true' }, '?'),
        h(
          'div',
          {},
          h('div', { class: 'verdict-kicker' }, i18n.t('kickerNone')),
          h('h2', { id: 'verdict-text', class: 'verdict-text' }, i18n.t(NOT_LICENCE[kind])),
        ),
      ),
      h('p', { id: 'verdict-hint', class: 'verdict-hint' }, i18n.t('scanAgainHint')),
    ),
  ];
}

/**
 * Who the code was made for (every verdict that read the disclosures says it), and for any
 * purpose but the police's: that the screen shows only what the holder chose, and what that was.
 */
function purposeLines(disclosure: Disclosure | undefined, i18n: I18n): HTMLElement[] {
  if (disclosure === undefined) return [];
  const { purpose } = disclosure;
  const lines = [
    h(
      'p',
      { id: 'verdict-purpose', class: 'verdict-purpose', 'data-purpose': purpose },
      i18n.t('purpose', { purpose: i18n.say(PURPOSE_WORDS[purpose]) }),
    ),
  ];
  if (purpose !== 'police') {
    lines.push(
      h(
        'div',
        { id: 'verdict-partial', class: 'verdict-partial' },
        h('p', { class: 'partial-note' }, i18n.t('partialNote')),
        h(
          'p',
          { class: 'partial-groups', 'data-groups': disclosure.disclosed.join(' ') },
          i18n.t('shownGroups', { groups: groupsInSentence(disclosure.disclosed, i18n.lang()) }),
        ),
      ),
    );
  }
  return lines;
}

/**
 * The age flags the code showed, large: 已满18周岁 or 未满18周岁 (and the 60 flag when shown);
 * under a red verdict muted, with a line saying not to rely on it.
 * Undefined when no flag was shown, or when the birth date was (version 1, the police's code):
 * the card says it then.
 */
function renderAge(
  disclosure: Disclosure,
  birthDateShown: boolean,
  tone: Verdict['tone'],
  i18n: I18n,
): HTMLElement | undefined {
  if (birthDateShown) return undefined;
  const flags: [string, boolean | undefined, UiKey, UiKey][] = [
    ['18', disclosure.ageOver18, 'over18Yes', 'over18No'],
    ['60', disclosure.ageOver60, 'over60Yes', 'over60No'],
  ];
  const shown = flags.filter(([, value]) => value !== undefined);
  if (shown.length === 0) return undefined;
  return h(
    'section',
    { id: 'age', class: 'age', 'data-tone': tone },
    h('h2', {}, i18n.t('ageTitle')),
    ...shown.map(([age, value, yes, no]) =>
      h(
        'p',
        { class: 'age-result', 'data-age': age, 'data-over': String(value) },
        i18n.t(value === true ? yes : no),
      ),
    ),
    tone === 'invalid' ? h('p', { class: 'age-void' }, i18n.t('ageVoid')) : undefined,
  );
}

/** Whether a skipped check was not run because the holder did not show what it reads. */
function notShown(check: CheckResult): boolean {
  return (
    check.status === 'SKIPPED' &&
    check.message.zh === NOT_SHOWN.zh &&
    check.message.en === NOT_SHOWN.en
  );
}

/**
 * One line per check run, and one per check not run because its fields were not shown (naming
 * the check: each says the same otherwise); the checks not run after a failure share one line
 * (each would only say the same), keeping the list short enough to read.
 */
function checkLines(checks: readonly CheckResult[], i18n: I18n): HTMLElement[] {
  const skipped = checks.filter((c) => c.status === 'SKIPPED' && !notShown(c));
  const lines = checks
    .filter((c) => c.status !== 'SKIPPED' || notShown(c))
    .map((c) =>
      h(
        'li',
        {
          class: 'check',
          'data-id': c.id,
          'data-status': c.status,
          'data-code': c.code,
          'data-reason': notShown(c) ? 'not-shown' : undefined,
        },
        h('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOL[c.status]),
        h(
          'span',
          {},
          notShown(c)
            ? i18n.t('checkNamed', {
                name: i18n.say(CHECK_NAMES[c.id]),
                result: i18n.say(c.message),
              })
            : i18n.say(c.message),
        ),
      ),
    );
  const first = skipped[0];
  if (first !== undefined)
    lines.push(
      h(
        'li',
        { class: 'check', 'data-id': skipped.map((c) => c.id).join(' '), 'data-status': 'SKIPPED' },
        h('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOL.SKIPPED),
        h('span', {}, `${i18n.say(first.message)} · ${skipped.length} ${i18n.t('skippedCount')}`),
      ),
    );
  return lines;
}

/**
 * The verdict codes whose headline already names a status the credential was signed with: the
 * status row would only say it again.
 */
const STATUS_SAID_BY: Readonly<Partial<Record<LicenceStatusCode, VerdictCode>>> = {
  B: 'ERR_POINTS_EXCEEDED',
  D: 'ERR_SUSPENDED',
  F: 'ERR_REVOKED',
  G: 'ERR_CANCELLED',
  M: 'ERR_RENEWAL_OVERDUE',
};

/**
 * The status the credential was signed with, where it adds to the verdict: 正常 only when the
 * verdict is amber because the live status could not be confirmed (no list, or an old one); any
 * other status unless the headline already names it (暂扣 under 驾驶证已暂扣). Undefined when it
 * adds nothing (green: the live status was read; red: the headline says why), or was not shown.
 */
export function statusAtIssue(
  verdict: Verdict,
  status: LicenceStatusCode | undefined,
): Words | undefined {
  if (status === undefined) return undefined;
  if (status === 'A') {
    const live = verdict.report.checks.find((c) => c.id === 'status_list');
    return verdict.tone === 'warning' && live?.status === 'WARNING'
      ? LICENCE_STATUS[status]
      : undefined;
  }
  const said = STATUS_SAID_BY[status];
  return said !== undefined && verdict.code === said ? undefined : LICENCE_STATUS[status];
}

/** Where a field of the card sits: the number on a line of its own, beside the portrait, or below. */
type Place = 'number' | 'beside' | 'below';

/**
 * The licence as on the paper card: the number on one line across the top, then the name, sex,
 * nationality and birth date beside a portrait large enough to compare with the face, then the
 * rest; the status it was signed with only where it adds to the verdict (`status`, in words). A
 * field the holder did not show says 未出示 (FORMAT.md §8.8): never blank, never guessed.
 */
function renderCard(
  licence: Partial<LicenceRecord>,
  status: Words | undefined,
  i18n: I18n,
): HTMLElement {
  const { validFrom, validTo } = licence;
  const validity =
    validFrom === undefined || validTo === undefined
      ? undefined
      : validTo === 'long-term'
        ? `${validFrom} ${i18n.t('to')} ${i18n.t('longTerm')}`
        : `${validFrom} ${i18n.t('to')} ${validTo}`;
  const rows: [keyof typeof FIELD_LABELS, string | undefined, Place][] = [
    ['licenceNumber', licence.licenceNumber, 'number'],
    ['name', licence.name, 'beside'],
    ['sex', licence.sex === undefined ? undefined : known(SEX, licence.sex, i18n), 'beside'],
    [
      'nationality',
      licence.nationality === undefined
        ? undefined
        : i18n.say(nationalityName(licence.nationality)),
      'beside',
    ],
    ['birthDate', licence.birthDate, 'beside'],
    ['address', licence.address, 'below'],
    ['firstIssueDate', licence.firstIssueDate, 'below'],
    [
      'classes',
      licence.classes === undefined ? undefined : formatClasses(licence.classes),
      'below',
    ],
    [
      'points',
      licence.points === undefined ? undefined : i18n.t('pointsValue', { points: licence.points }),
      'below',
    ],
    ['validity', validity, 'below'],
    ['issuingAuthority', licence.issuingAuthority, 'below'],
    ['fileNumber', licence.fileNumber, 'below'],
  ];
  const fields = rows.map(([key, value, place]) =>
    h(
      'div',
      { class: `field ${place}` },
      h('dt', {}, i18n.say(FIELD_LABELS[key])),
      h(
        'dd',
        { 'data-field': key, 'data-withheld': value === undefined ? 'true' : undefined },
        ...(value === undefined ? [i18n.t('notShown')] : keepDatesWhole(value)),
      ),
    ),
  );
  if (status !== undefined)
    fields.push(
      h(
        'div',
        { class: 'field below' },
        h('dt', {}, i18n.say(FIELD_LABELS.status)),
        h('dd', { 'data-field': 'status' }, i18n.say(status)),
      ),
    );
  return h(
    'article',
    { class: 'card', 'data-status': licence.status ?? 'withheld' },
    h('h2', {}, i18n.t('licenceTitle')),
    h(
      'div',
      { class: 'card-body' },
      h('dl', { class: 'fields' }, ...fields),
      h('div', { id: 'portrait', class: 'portrait', 'data-state': 'pending' }),
    ),
  );
}

/** The words for a code in the language chosen, or the code itself when it has none. */
function known(table: Readonly<Record<string, Words>>, code: string, i18n: I18n): string {
  const words = table[code];
  return words === undefined ? code : i18n.say(words);
}

/**
 * What the portrait box shows: nothing fetched (a red verdict), not shown (the holder withheld
 * name and portrait), loading, or the outcome.
 */
export type PortraitState = PortraitOutcome | 'loading' | 'withheld' | undefined;

const PORTRAIT_UNAVAILABLE: Readonly<
  Record<Extract<PortraitOutcome, { state: 'unavailable' }>['reason'], UiKey>
> = {
  'no-token': 'portraitNoToken',
  offline: 'portraitOffline',
  'no-portrait': 'portraitNone',
  'beyond-role': 'portraitBeyondRole',
  error: 'portraitError',
};

let portraitUrl: string | undefined;

/** Fills the verdict's portrait box (when the verdict screen shows one). */
export function renderPortrait(portrait: PortraitState, i18n: I18n): void {
  const box = document.getElementById('portrait');
  if (box === null) return;
  const note = (key: UiKey, state: string): void => {
    box.dataset.state = state;
    box.replaceChildren(h('p', {}, i18n.t(key)));
  };
  if (portrait === undefined) note('portraitNotFetched', 'not-fetched');
  else if (portrait === 'withheld') note('portraitWithheld', 'withheld');
  else if (portrait === 'loading') note('portraitLoading', 'loading');
  else if (portrait.state === 'mismatch') note('portraitMismatch', 'mismatch');
  else if (portrait.state === 'unavailable') {
    note(PORTRAIT_UNAVAILABLE[portrait.reason], 'unavailable');
    box.dataset.reason = portrait.reason;
  } else {
    if (portraitUrl !== undefined) URL.revokeObjectURL(portraitUrl);
    portraitUrl = URL.createObjectURL(new Blob([portrait.bytes], { type: 'image/jpeg' }));
    box.dataset.state = 'shown';
    box.replaceChildren(h('img', { src: portraitUrl, alt: i18n.t('portrait') }));
  }
}
