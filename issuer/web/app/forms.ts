/** The parts of the app's forms: a labelled field, a field's value, and a form on its screen. */
import { h } from '../../../shared/web/dom.js';
import { errorBox, markInvalid } from './ui.js';

/** A required input with its label above it. */
export function field(id: string, label: string, type: string, extra: Record<string, string> = {}) {
  return h(
    'label',
    { class: 'field' },
    h('span', {}, label),
    h('input', { id, name: id, type, required: true, ...extra }),
  );
}

/** The value of the form's field `name`, trimmed. */
export const value = (form: HTMLFormElement, name: string): string =>
  (form.elements.namedItem(name) as HTMLInputElement).value.trim();

/**
 * The value of a licence number, phone number or SMS code field as the service reads it:
 * the full-width characters of a Chinese input method made plain (NFKC), the spaces and dashes
 * digits are grouped with dropped, an ID number's x in capitals, a mobile number's +86 or 0086
 * dropped. So a number pasted as `138 0013 8000` or typed as `５１０１０７…` is taken as it is meant.
 */
export const numberValue = (form: HTMLFormElement, name: string): string =>
  value(form, name)
    .normalize('NFKC')
    .replace(/[\s\-\u2010-\u2015]/gu, '')
    .replace(/^(?:\+|00)86(?=1\d{10}$)/u, '')
    .toUpperCase();

/** The longest a licence number, a phone number or a code may be typed or pasted, grouped. */
export const TYPED_MAX = { licenceNumber: '24', phone: '20', code: '12' } as const;

/** A password as typed: never trimmed, a space at either end is part of it. */
export const passwordValue = (form: HTMLFormElement, name = 'password'): string =>
  (form.elements.namedItem(name) as HTMLInputElement).value;

/**
 * A form whose submit runs `send`; its errors are shown under it, in words, in a status line with
 * the form's id and `-status` (kept when the screen is drawn again).
 */
export function formScreen(
  main: HTMLElement,
  form: HTMLFormElement,
  send: (form: HTMLFormElement) => Promise<void>,
  ...after: HTMLElement[]
): void {
  const status = h('div', { 'aria-live': 'polite', id: `${form.id}-status` });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status.replaceChildren();
    send(form).catch((error: unknown) => {
      markInvalid(form, error);
      status.replaceChildren(errorBox(error));
    });
  });
  main.append(form, status, ...after);
}
