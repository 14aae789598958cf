/*
 * A verifier device sees only the groups its certificate says it may (`may`, within its role's:
 * ROLES in shared/request/roles.ts), whatever the code disclosed: a rental desk shown a police
 * code (everything) gets the holder and driving groups and nothing else, not even on the card as
 * a value or in the history; one certified for the driving group alone does not get the name
 * either. The police see everything.
 */
import type { LicenceRecord } from '../../shared/licence/record.js';
import {
  GROUP_COUNT,
  GROUP_MEMBERS,
  GROUP_NAMES,
  LICENCE_FIELD_OF_MEMBER,
  type GroupIndex,
  type GroupName,
} from '../../shared/sd/groups.js';
import type { VerificationReport } from '../report.js';

/** The licence fields of the groups given. */
function fieldsOf(groups: readonly GroupName[]): Set<keyof LicenceRecord> {
  const fields = new Set<keyof LicenceRecord>();
  for (const group of groups) {
    if (!(group in GROUP_MEMBERS)) continue;
    for (const member of GROUP_MEMBERS[group as keyof typeof GROUP_MEMBERS]) {
      if (member in LICENCE_FIELD_OF_MEMBER)
        fields.add(LICENCE_FIELD_OF_MEMBER[member as keyof typeof LICENCE_FIELD_OF_MEMBER]);
    }
  }
  return fields;
}

/**
 * The report as a device that may see `may` sees it: licence fields, age flags and the portrait
 * hash of other groups removed, and those groups counted as withheld. Unchanged for all six.
 */
export function reportForGroups(
  report: VerificationReport,
  may: readonly GroupIndex[],
): VerificationReport {
  if (may.length === GROUP_COUNT) return report;
  const allowed = may.map((g) => GROUP_NAMES[g]);
  const fields = fieldsOf(allowed);
  const out: { -readonly [K in keyof VerificationReport]: VerificationReport[K] } = { ...report };
  if (report.licence !== undefined) {
    const licence: Partial<Record<keyof LicenceRecord, unknown>> = {};
    for (const [key, value] of Object.entries(report.licence))
      if (fields.has(key as keyof LicenceRecord)) licence[key as keyof LicenceRecord] = value;
    out.licence = licence as Partial<LicenceRecord>;
  }
  if (report.credential !== undefined && !allowed.includes('holder')) {
    const credential = { ...report.credential };
    delete credential.portraitHash;
    out.credential = credential;
  }
  if (report.disclosure !== undefined) {
    const { ageOver18, ageOver60, ...rest } = report.disclosure;
    const disclosed = rest.disclosed.filter((g) => allowed.includes(g));
    out.disclosure = {
      ...rest,
      disclosed,
      withheld: GROUP_NAMES.filter((g) => !disclosed.includes(g)),
      ...(ageOver18 !== undefined && allowed.includes('age_over_18') ? { ageOver18 } : {}),
      ...(ageOver60 !== undefined && allowed.includes('age_over_60') ? { ageOver60 } : {}),
    };
  }
  return out;
}
