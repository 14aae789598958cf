/*
 * How a name a driver types is compared with the name of the registry: as written, except for
 * what a keyboard changes and the eye does not see. The middle dot between the parts of a
 * transliterated name (买买提·艾力) comes as · from one input method, ・ or • or ． from
 * another; a name in Latin letters is printed in capitals and typed in any case, perhaps with
 * full-width letters or two spaces. Nothing else is loosened: another character is another name.
 */

/** The marks that stand for the middle dot (U+00B7) of a transliterated name. */
const MIDDLE_DOTS = /\s*[\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff0e.]\s*/gu;

/** The form two names are compared in: NFKC, one middle dot, single spaces, capitals. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(MIDDLE_DOTS, '\u00b7')
    .replace(/\s+/gu, ' ')
    .trim()
    .toUpperCase();
}

/** Whether the name typed is the registry's name, by {@link nameKey}. */
export function sameName(registry: string, typed: string): boolean {
  return nameKey(registry) === nameKey(typed);
}
