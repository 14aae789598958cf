/** Pieces the console's screens share: a labelled field, a list of facts, a confirmation step. */
import { chinaDateTime } from '../../../shared/china-time.js';
import { button, h, keepDatesWhole, type Child } from '../../../shared/web/dom.js';
import { detailWords } from './audit-words.js';
import { i18n, t } from './frame.js';

/** A time (seconds since the epoch) in China time, to the minute. */
export const timeText = (seconds: number): string => chinaDateTime(seconds * 1000, 'minute');

/**
 * What an audit entry changed, in words (detailWords), each date and time in them kept on one
 * line (有效期至：2031-03- / 02 at 320 px otherwise); null when it says nothing.
 */
export function auditDetails(before: unknown, after: unknown): HTMLElement | null {
  const details = detailWords(i18n, before, after);
  if (details === '') return null;
  return h('div', { class: 'details' }, ...keepDatesWhole(details));
}

/** A labelled input, select or group, with a hint below it. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h(
    'label',
    { class: 'field' },
    h('span', {}, label),
    control,
    hint === undefined ? null : h('small', { class: 'hint' }, hint),
  );
}

/** Facts as a definition list: each [label, value, id?]. */
export function facts(
  rows: readonly (readonly [string, Child, string?] | null)[],
  id?: string,
): HTMLElement {
  const list = h('dl', { class: 'facts', ...(id === undefined ? {} : { id }) });
  for (const row of rows) {
    if (row === null) continue;
    const [label, value, valueId] = row;
    list.append(h('dt', {}, label), h('dd', valueId === undefined ? {} : { id: valueId }, value));
  }
  return list;
}

/**
 * Asks once more in `status` before `act`: the question, then 确认 (which acts) and 取消. The
 * buttons' ids are `ids.yes` and `ids.no` (confirm-yes, confirm-no).
 */
export function confirmFirst(
  status: HTMLElement,
  question: string,
  act: () => void,
  options: {
    readonly ids?: { readonly yes: string; readonly no: string };
    /** `danger`: what 确认 does cannot be taken back lightly (a suspension, a revocation). */
    readonly tone?: 'danger';
  } = {},
): void {
  const ids = options.ids ?? { yes: 'confirm-yes', no: 'confirm-no' };
  const style = options.tone === 'danger' ? 'danger solid' : 'primary';
  const yes = button({ class: style, id: ids.yes }, t('confirmYes'), () => {
    yes.disabled = true;
    act();
  });
  const no = button({ class: 'secondary', id: ids.no }, t('confirmNo'), () => {
    status.replaceChildren();
  });
  status.replaceChildren(
    h(
      'div',
      { class: 'confirm', role: 'alertdialog', 'aria-label': question },
      h('p', {}, question),
      h('div', { class: 'row' }, yes, no),
    ),
  );
  yes.focus();
}

/** A notice in place (`role=status`): what was just done. */
export const notice = (text: string, id?: string): HTMLElement =>
  h('p', { class: 'notice', role: 'status', ...(id === undefined ? {} : { id }) }, text);
