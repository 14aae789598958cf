/** Chinese first, English on request; the choice is kept per app in localStorage. */
export type Lang = 'zh' | 'en';

/** A message catalogue: the same keys in both languages; `{name}` marks a value. */
export type Catalogue<K extends string> = Readonly<Record<Lang, Readonly<Record<K, string>>>>;

/** A translator over one catalogue. */
export interface Translator<K extends string> {
  readonly lang: () => Lang;
  readonly setLang: (lang: Lang) => void;
  /** The message `key` in the current language, with `{name}` replaced from `values`. */
  readonly t: (key: K, values?: Readonly<Record<string, string | number>>) => string;
}

/** A translator whose choice is stored under `storageKey`. */
export function translator<K extends string>(
  catalogue: Catalogue<K>,
  storageKey: string,
): Translator<K> {
  let current: Lang = localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh';
  const apply = () => {
    document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  };
  apply();
  return {
    lang: () => current,
    setLang(lang) {
      current = lang;
      localStorage.setItem(storageKey, lang);
      apply();
    },
    t(key, values = {}) {
      return catalogue[current][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
        name in values ? String(values[name]) : whole,
      );
    },
  };
}
