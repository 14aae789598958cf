/*
 * Who the driver shows the code to (FORMAT.md §8.7), without the DOM: the purposes in the order
 * the picker offers them, the groups a choice discloses, and what it shows and withholds in the
 * words of shared/sd/words.ts.
 */
import type { LicenceRecord } from '../../../shared/licence/record.js';
import {
  GROUP_COUNT,
  GROUP_MEMBERS,
  GROUP_NAMES,
  groupsFor,
  LICENCE_FIELD_OF_MEMBER,
  type GroupIndex,
  type GroupName,
  type Purpose,
} from '../../../shared/sd/groups.js';

/** The picker's order: the police first (the default), the fixed purposes, then custom. */
export const PURPOSE_ORDER: readonly Purpose[] = [
  'police',
  'rental',
  'insurance',
  'employer',
  'age',
  'custom',
];

/** What the driver picked: the purpose and the groups its code discloses, in index order. */
export interface Choice {
  readonly purpose: Purpose;
  readonly groups: readonly GroupIndex[];
}

/**
 * The choice of `purpose`: its own groups for a fixed purpose; for `custom`, the groups ticked
 * (at least one).
 * @throws {RangeError} for custom with no group ticked, or an unknown or repeated group.
 */
export function choiceOf(purpose: Purpose, ticked?: readonly number[]): Choice {
  return { purpose, groups: groupsFor(purpose, purpose === 'custom' ? ticked : undefined) };
}

/** The groups a choice shows and those it withholds, by name, in index order. */
export function shownAndWithheld(choice: Choice): {
  shown: GroupName[];
  withheld: GroupName[];
} {
  const shown: GroupName[] = [];
  const withheld: GroupName[] = [];
  for (let g = 0; g < GROUP_COUNT; g++)
    (choice.groups.includes(g as GroupIndex) ? shown : withheld).push(GROUP_NAMES[g] as GroupName);
  return { shown, withheld };
}

/**
 * How the code's frame looks: `full` for the police's code (everything), `partial` for any other
 * purpose, so that the driver sees at a glance which of the two is on the screen.
 */
export function frameOf(purpose: Purpose): 'full' | 'partial' {
  return purpose === 'police' ? 'full' : 'partial';
}

/** Whether two choices are the same: the same purpose and the same groups. */
export function sameChoice(a: Choice, b: Choice): boolean {
  return (
    a.purpose === b.purpose &&
    a.groups.length === b.groups.length &&
    a.groups.every((g, i) => g === b.groups[i])
  );
}

/** The group each licence field travels in (FORMAT.md §8.2). */
const GROUP_OF_FIELD = new Map<keyof LicenceRecord, GroupName>();
for (const [group, members] of Object.entries(GROUP_MEMBERS) as [GroupName, readonly string[]][])
  for (const member of members)
    if (member in LICENCE_FIELD_OF_MEMBER)
      GROUP_OF_FIELD.set(
        LICENCE_FIELD_OF_MEMBER[member as keyof typeof LICENCE_FIELD_OF_MEMBER],
        group,
      );

/**
 * The group a licence field travels in.
 * @throws {RangeError} for a field no group carries.
 */
export function groupOfField(field: keyof LicenceRecord): GroupName {
  const group = GROUP_OF_FIELD.get(field);
  if (group === undefined) throw new RangeError(`licence field: no group carries "${field}"`);
  return group;
}
