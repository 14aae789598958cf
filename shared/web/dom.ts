/**
 * The web apps' DOM helpers: elements are built with text content only, never from HTML strings.
 */

/** A child of {@link h}: null, undefined and false stand for nothing. */
export type Child = Node | string | null | undefined | false;

/** Attributes of an element made with {@link h}: `true` for a bare one, undefined/false for none. */
export type Attributes = Readonly<Record<string, string | boolean | undefined>>;

/** An element with attributes (`class`, `hidden`, `data-*`, …) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** A date (with its time, when it has one) or 长期 / long-term: what a screen never cuts. */
const DATE_OR_TERM = /\d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?|长期|[Ll]ong-term/g;

/**
 * `text` as children of {@link h}, each date, date and time, and 长期 / long-term in it kept on
 * one line: a validity (2021-03-02 至 2031-03-02) breaks before its second date, never inside it
 * (Chromium breaks 2026-12-08 after 2026- on a narrow phone). The text content is `text`
 * unchanged.
 */
export function keepDatesWhole(text: string): (string | Node)[] {
  const children: (string | Node)[] = [];
  let from = 0;
  for (const match of text.matchAll(DATE_OR_TERM)) {
    children.push(text.slice(from, match.index), whole(match[0]));
    from = match.index + match[0].length;
  }
  children.push(text.slice(from));
  return children.filter((child) => child !== '');
}

/** `text` kept on one line: a licence number, a file number or a date as a value of its own. */
export const whole = (text: string): HTMLElement => h('span', { class: 'nowrap' }, text);

/** A `type="button"` button with these attributes and this label, calling `onClick` when pressed. */
export function button(
  attributes: Attributes,
  label: string,
  onClick: (event: MouseEvent) => void,
): HTMLButtonElement {
  const element = h('button', { type: 'button', ...attributes }, label);
  element.addEventListener('click', onClick);
  return element;
}

/** The element with this id. @throws {Error} when the page lacks it. */
export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`page: expected an element #${id}`);
  return element;
}

/** The element with this id, of the kind expected. @throws {Error} when it is not. */
export function byIdOf<K extends keyof HTMLElementTagNameMap>(
  id: string,
  tag: K,
): HTMLElementTagNameMap[K] {
  const element = byId(id);
  if (element.tagName.toLowerCase() !== tag)
    throw new Error(`page: expected #${id} to be a <${tag}>, found <${element.tagName}>`);
  return element as HTMLElementTagNameMap[K];
}

/** Runs `callback` once the frame with the latest DOM change has been painted. */
export function afterPaint(callback: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      callback();
    };
    channel.port2.postMessage(null);
  });
}
