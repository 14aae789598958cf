/** Attributes of an element made with {@link h}: `data-*`, `class`, and the like, as strings. */
export type Attributes = Readonly<Record<string, string | undefined>>;

/** Makes an element with attributes and children; text is always text, never markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child !== undefined) element.append(child);
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
