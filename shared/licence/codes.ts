/**
 * The codes of a driving licence record (docs/DOMAIN.md §2): its permitted vehicle classes, its
 * GA/T 16.25 status codes and the points limit.
 */

/** Permitted vehicle classes (准驾车型), in the order printed on the licence. */
export const LICENCE_CLASSES = [
  'A1',
  'A2',
  'A3',
  'B1',
  'B2',
  'C1',
  'C2',
  'C3',
  'C4',
  'C5',
  'C6',
  'D',
  'E',
  'F',
  'M',
  'N',
  'P',
] as const;

/** One permitted vehicle class, e.g. `'C1'`. */
export type LicenceClass = (typeof LICENCE_CLASSES)[number];

/**
 * Driving licence status codes (驾驶证状态), GA/T 16.25, with Chinese and English labels.
 *
 * The list is to be confirmed against the text of GA/T 16.25 (docs/DOMAIN.md §2.3 marks it
 * unconfirmed); it lives only here, so a correction is a one-place change.
 */
export const LICENCE_STATUS = {
  A: { zh: '正常', en: 'normal' },
  B: { zh: '超分', en: 'points exceeded' },
  C: { zh: '转出', en: 'transferred out' },
  D: { zh: '暂扣', en: 'temporarily seized' },
  E: { zh: '撤销', en: 'withdrawn' },
  F: { zh: '吊销', en: 'revoked' },
  G: { zh: '注销', en: 'cancelled' },
  H: { zh: '违法未处理', en: 'violation unprocessed' },
  I: { zh: '事故未处理', en: 'accident unprocessed' },
  J: { zh: '停止使用', en: 'stopped' },
  K: { zh: '协查', en: 'under investigation' },
  L: { zh: '锁定', en: 'locked' },
  M: { zh: '逾期未换证', en: 'renewal overdue' },
  N: { zh: '延期换证', en: 'renewal deferred' },
  P: { zh: '延期体检', en: 'medical deferred' },
  R: { zh: '注销可恢复', en: 'cancelled (recoverable)' },
  S: { zh: '逾期未审验', en: 'inspection overdue' },
  T: { zh: '延期审验', en: 'inspection deferred' },
  U: { zh: '扣留', en: 'detained' },
  Z: { zh: '其他', en: 'other' },
} as const satisfies Readonly<Record<string, { readonly zh: string; readonly en: string }>>;

/** A GA/T 16.25 status code letter, e.g. `'A'` (正常 normal). */
export type LicenceStatusCode = keyof typeof LICENCE_STATUS;

/** Every status code, in GA/T 16.25 order. */
export const LICENCE_STATUS_CODES = Object.keys(LICENCE_STATUS) as [
  LicenceStatusCode,
  ...LicenceStatusCode[],
];

/**
 * Whether a licence with this status may be used for driving. Only `A` (正常 normal) is; every
 * other status (points exceeded, seized, overdue, …) is not (docs/DOMAIN.md §2.3, §2.5).
 */
export function isValidForDriving(status: LicenceStatusCode): boolean {
  return status === 'A';
}

/**
 * Points per 12-month scoring cycle at which a licence stops being valid for driving (记满 12
 * 分), and the most a record can hold. The one place this number is written.
 */
export const POINTS_LIMIT = 12;

/** `validTo` of a licence with no end date (有效期限 长期). */
export const LONG_TERM = 'long-term';

/** A name in Chinese and in English. */
interface Names {
  readonly zh: string;
  readonly en: string;
}

/** The countries whose ISO 3166-1 alpha-3 codes are written as a name. */
const NATIONALITY_NAMES: Readonly<Record<string, Names>> = {
  CHN: { zh: '中国', en: 'China' },
};

/**
 * 国籍 in words, for the driver's app, the console and the police app alike: the country's name
 * where it has one here, else the ISO 3166-1 alpha-3 code itself in both languages.
 */
export function nationalityName(code: string): Names {
  const names = Object.hasOwn(NATIONALITY_NAMES, code) ? NATIONALITY_NAMES[code] : undefined;
  return names ?? { zh: code, en: code };
}
