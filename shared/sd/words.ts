/**
 * The purposes and groups of format version 2 in words (Chinese first): what the driver picks
 * and reads before showing a code, and what a verifier says was shown or withheld.
 */
import type { GroupName, Purpose } from './groups.js';

interface Words {
  readonly zh: string;
  readonly en: string;
}

/** Who the code is for. */
export const PURPOSE_WORDS: Readonly<Record<Purpose, Words>> = {
  police: { zh: '交警执法', en: 'Traffic police' },
  rental: { zh: '租车', en: 'Car rental' },
  insurance: { zh: '保险', en: 'Insurance' },
  employer: { zh: '单位', en: 'Employer' },
  age: { zh: '年龄核验', en: 'Age check' },
  custom: { zh: '自定义', en: 'Custom' },
};

/** Each group by what it holds. */
export const GROUP_WORDS: Readonly<Record<GroupName, Words>> = {
  holder: { zh: '姓名、照片', en: 'Name, photo' },
  driving: {
    zh: '准驾车型、有效期限、驾驶证状态、记分',
    en: 'Classes, validity dates, licence status, points',
  },
  identity: {
    zh: '身份证号（证号）、性别、国籍、出生日期、住址',
    en: 'ID (licence) number, sex, nationality, birth date, address',
  },
  file: {
    zh: '初次领证日期、发证机关、档案编号',
    en: 'First issue date, issuing authority, file number',
  },
  age_over_18: { zh: '是否年满18周岁', en: 'Whether 18 or over' },
  age_over_60: { zh: '是否年满60周岁', en: 'Whether 60 or over' },
};

/**
 * Groups inside a sentence ("此码不出示：…", "Shown: …"), in `lang`: 姓名、照片；准驾车型、… or
 * "Name, photo; classes, validity dates, …". In English a group after the first starts in lower
 * case, as it reads within a sentence; an acronym (ID) stays as it is.
 */
export function groupsInSentence(groups: readonly GroupName[], lang: 'zh' | 'en'): string {
  if (lang === 'zh') return groups.map((g) => GROUP_WORDS[g].zh).join('；');
  return groups
    .map((g, i) => {
      const words = GROUP_WORDS[g].en;
      return i === 0 || /^[A-Z]{2}/.test(words)
        ? words
        : `${words.slice(0, 1).toLowerCase()}${words.slice(1)}`;
    })
    .join('; ');
}
