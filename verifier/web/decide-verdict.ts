import { REASONS, VALID_WITH_WARNINGS } from '../internal/messages.js';
import type { CheckResult, VerdictCode, VerificationReport, Words } from '../report.js';
import { APP_NOTICES, type AppNoticeCode } from './app-messages.js';
import type { ClockState } from './trusted-clock.js';

/** The colour of the screen: green, amber or red. */
export type Tone = 'valid' | 'warning' | 'invalid';

/** A warning or remark shown under the verdict, with its stable code. */
export interface Notice {
  readonly code: VerdictCode | AppNoticeCode;
  readonly message: Words;
}

/** What the officer's screen shows for one scan. */
export interface Verdict {
  readonly tone: Tone;
  /** The failure that decided a red verdict, or the first warning of an amber one. */
  readonly code?: VerdictCode | AppNoticeCode;
  /** The verdict in words: 有效, 有效（有提示）, or the reason it is not valid. */
  readonly headline: Words;
  /** Every warning, the core's and this app's, in order. */
  readonly notices: readonly Notice[];
  /** The core's report, with this app's freshness policy applied to its status_list check. */
  readonly report: VerificationReport;
}

/** How old the verifier's data is, and how far its clock can be believed. */
export interface Freshness {
  /** Seconds after which keys and lists count as too old (the officer's setting). */
  readonly maxAgeS: number;
  /** Seconds since the trusted keys were fetched; undefined when there are none. */
  readonly keysAgeS?: number;
  /** Seconds since the status list of this credential was fetched, when there is one. */
  readonly listAgeS?: number;
  readonly clock: ClockState;
}

/**
 * Turns the core's report into the verdict on screen. Red when the core failed a check; else
 * amber when the core warned, or this app's policy does: the credential's status list or the
 * trusted keys were fetched longer ago than allowed (never a silent green on old data), or the
 * device clock disagrees with the issuer's time beyond the tolerance; else green.
 *
 * The purpose does not colour the verdict: a valid code made for a rental desk or an age check is
 * a valid verification of what it shows, green like a police code, and an age check that says
 * under 18 is valid too. The screen says what the code was for and what it showed (the purpose
 * line, the age result, 未出示 on the card); the licence checks it could not run for want of the
 * driving data are SKIPPED by the core, not failed.
 */
export function decideVerdict(core: VerificationReport, freshness: Freshness): Verdict {
  const report = applyListAge(core, freshness);
  const notices: Notice[] = report.warnings.map((code) => ({ code, message: REASONS[code] }));
  const app: AppNoticeCode[] = [];
  if (freshness.keysAgeS === undefined) app.push('WARN_KEYS_MISSING');
  else if (freshness.keysAgeS > freshness.maxAgeS) app.push('WARN_KEYS_STALE');
  if (freshness.clock === 'behind') app.push('WARN_DEVICE_CLOCK_BEHIND');
  if (freshness.clock === 'ahead') app.push('WARN_DEVICE_CLOCK_AHEAD');
  for (const code of app) notices.push({ code, message: APP_NOTICES[code] });

  if (!report.valid) {
    return {
      tone: 'invalid',
      ...(report.code === undefined ? {} : { code: report.code }),
      headline: report.message,
      notices,
      report,
    };
  }
  const first = notices[0];
  if (first !== undefined)
    return { tone: 'warning', code: first.code, headline: VALID_WITH_WARNINGS, notices, report };
  return { tone: 'valid', headline: report.message, notices, report };
}

/**
 * The core judges a list by its `iat` (a list is re-signed only every so often); the officer's
 * setting is about how long ago this device last fetched it. A list that passed but was fetched
 * too long ago becomes the core's own warning, WARN_STATUS_STALE.
 */
function applyListAge(report: VerificationReport, freshness: Freshness): VerificationReport {
  const { listAgeS, maxAgeS } = freshness;
  if (listAgeS === undefined || listAgeS <= maxAgeS) return report;
  const index = report.checks.findIndex((c) => c.id === 'status_list' && c.status === 'PASSED');
  if (index < 0) return report;
  const stale: CheckResult = {
    id: 'status_list',
    status: 'WARNING',
    code: 'WARN_STATUS_STALE',
    message: REASONS.WARN_STATUS_STALE,
    detail: `status list fetched ${Math.round(listAgeS)} s ago; at most ${maxAgeS} s allowed`,
  };
  const checks = report.checks.map((c, i) => (i === index ? stale : c));
  const warnings = checks.filter((c) => c.status === 'WARNING').map((c) => c.code as VerdictCode);
  return {
    ...report,
    checks,
    warnings,
    ...(report.valid ? { message: VALID_WITH_WARNINGS } : {}),
  };
}
