/**
 * The web apps' one language model: Chinese first, English on request, the choice kept per app in
 * localStorage. Every text is a pair of words, `{ zh, en }`; an app's catalogue names its pairs
 * by key, and texts that come from elsewhere (the verifier's reasons, a status label from the
 * service) are pairs too.
 */
import { button } from './dom.js';

/** The two languages; Chinese first. */
export type Lang = 'zh' | 'en';

/** A text in both languages; `{name}` marks a value. */
export interface Words {
  readonly zh: string;
  readonly en: string;
}

/** A message catalogue: its texts by key. */
export type Catalogue<K extends string> = Readonly<Record<K, Words>>;

/** Values put in for the `{name}` marks of a text. */
export type Values = Readonly<Record<string, string | number>>;

/**
 * A hyphen after a one-letter prefix ("e-licence"): browsers may break a line after any hyphen,
 * which leaves "the e-" at the end of a line and "licence" on the next.
 */
const ONE_LETTER_PREFIX = /(?<![\p{L}\p{N}])(\p{L})-(?=\p{L})/gu;

/** U+2011 NON-BREAKING HYPHEN: looks like "-", never a line break. */
export const NON_BREAKING_HYPHEN = '\u2011';

/**
 * The words in `lang`, with `{name}` replaced from `values` (a mark without a value stays). In
 * English a one-letter prefix keeps to its word ("e-licence" is written with a non-breaking
 * hyphen), so that no screen ends a line on "e-". The values are put in as they are.
 */
export function say(words: Words, lang: Lang, values: Values = {}): string {
  const text =
    lang === 'en' ? words.en.replace(ONE_LETTER_PREFIX, `$1${NON_BREAKING_HYPHEN}`) : words.zh;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** A translator over one catalogue. */
export interface Translator<K extends string> {
  readonly lang: () => Lang;
  readonly setLang: (lang: Lang) => void;
  /** The message `key` in the current language, with `{name}` replaced from `values`. */
  readonly t: (key: K, values?: Values) => string;
  /** Words from elsewhere in the current language. */
  readonly say: (words: Words, values?: Values) => string;
  /** Whether the catalogue has `key` (for keys made from a code the service sent). */
  readonly has: (key: string) => key is K;
}

/** The `lang` attribute's value for a language. */
export function htmlLang(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}

/** A translator whose choice is stored under `storageKey`; it sets the page's `lang`. */
export function translator<K extends string>(
  catalogue: Catalogue<K>,
  storageKey: string,
): Translator<K> {
  let current: Lang = localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh';
  const apply = () => {
    document.documentElement.lang = htmlLang(current);
  };
  apply();
  return {
    lang: () => current,
    setLang(lang) {
      current = lang;
      localStorage.setItem(storageKey, lang);
      apply();
    },
    t: (key, values) => say(catalogue[key], current, values),
    say: (words, values) => say(words, current, values),
    has: (key: string): key is K => Object.hasOwn(catalogue, key),
  };
}

/** The other language: what the language button switches to. */
export function otherLang(lang: Lang): Lang {
  return lang === 'zh' ? 'en' : 'zh';
}

/**
 * The button that switches to the other language (labelled in that language, `lang` set to it);
 * `onSwitch` draws the page again.
 */
export function languageButton(
  i18n: Pick<Translator<never>, 'lang' | 'setLang'>,
  label: string,
  onSwitch: () => void,
): HTMLButtonElement {
  return button({ id: 'language', lang: otherLang(i18n.lang()) }, label, () => {
    i18n.setLang(otherLang(i18n.lang()));
    onSwitch();
  });
}
