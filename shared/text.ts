/*
 * What counts as text, one rule for the registry's records and every string a request carries:
 * no control characters, no bidirectional formatting controls, well-formed Unicode.
 */

/**
 * C0 and C1 control characters with DEL (U+0000–U+001F, U+007F–U+009F: line breaks and tabs
 * included) and the bidirectional formatting controls (U+061C, U+200E, U+200F, U+202A–U+202E,
 * U+2066–U+2069), which can make text read differently from what it holds.
 */
export const CONTROL_CHARACTER = /[\p{Cc}\p{Bidi_Control}]/u;
/** An unpaired UTF-16 surrogate (not well-formed Unicode; UTF-8 cannot store it). */
export const LONE_SURROGATE = /\p{Cs}/u;

/** What {@link textFault} says a string should be. */
export const TEXT_EXPECTED =
  'text without control characters (U+0000–U+001F, U+007F–U+009F), bidirectional controls or unpaired surrogates';

/**
 * The first thing in `s` that is not text, as the code point and its position (in code points,
 * from 1): `U+0000 at position 3`; undefined for text. Never quotes the string.
 */
export function textFault(s: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(s);
  const surrogate = LONE_SURROGATE.exec(s);
  const first =
    control === null
      ? surrogate
      : surrogate === null || control.index < surrogate.index
        ? control
        : surrogate;
  if (first === null) return undefined;
  const code = (first[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  const what = first === surrogate ? `an unpaired surrogate U+${code}` : `U+${code}`;
  return `${what} at position ${Array.from(s.slice(0, first.index)).length + 1}`;
}
