/** Tiny DOM helpers: elements are built with text content only, never from HTML strings. */

type Child = Node | string | null | undefined | false;

/** An element with attributes (`class`, `hidden`, `data-*`, …) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | boolean | undefined>> = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** The element with this id. @throws {Error} when the page has none. */
export function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page: expected an element #${id}`);
  return el;
}

/** Replaces what `parent` shows. */
export function show(parent: HTMLElement, ...children: readonly Child[]): void {
  parent.replaceChildren();
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) parent.append(child);
}
