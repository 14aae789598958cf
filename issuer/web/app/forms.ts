/** The parts of the app's forms: a labelled field, and a field's value. */
import { h } from '../../../shared/web/dom.js';

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
