/** How a value that failed validation is described without quoting anything personal. */

/**
 * A short printable-ASCII string in quotes, e.g. `"C9"`; anything else (non-ASCII text, long
 * strings, long digit runs that could be an ID number) by its length only.
 */
export function quoteIfSafe(s: string): string {
  return /^[\x20-\x7E]{0,32}$/.test(s) && !/\d{15}/.test(s)
    ? JSON.stringify(s)
    : `a string of ${codePointLength(s)} characters`;
}

/** The length of `s` in Unicode code points. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** `U+XXXX` for the first code point of `ch`. */
export function codePointName(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
