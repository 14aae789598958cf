import type { CheckStatus, VerificationReport } from '../report.js';

const MARK: Readonly<Record<CheckStatus, string>> = {
  PASSED: '✔',
  FAILED: '✘',
  WARNING: '!',
  SKIPPED: '·',
};

/**
 * The report as text for a terminal: the verdict, the licence holder (number masked), and every
 * check. `--json` prints the same report as JSON.
 */
export function formatReport(report: VerificationReport): string {
  const head = report.valid
    ? report.warnings.length > 0
      ? 'VALID (warnings)'
      : 'VALID'
    : `INVALID ${report.code ?? ''}`;
  const out = [`${head}: ${report.message.zh} / ${report.message.en}`];
  const l = report.licence;
  if (l !== undefined) {
    out.push(
      `  ${l.name}  ${maskLicenceNumber(l.licenceNumber)}  准驾车型 ${l.classes.join('')}  有效期限 ${l.validFrom} 至 ${l.validTo === 'long-term' ? '长期' : l.validTo}`,
    );
  }
  for (const c of report.checks) {
    out.push(
      `  ${MARK[c.status]} ${c.id.padEnd(17)} ${c.message.zh} / ${c.message.en}${c.detail === undefined ? '' : ` (${c.detail})`}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** 440106199003072429 → 440106********2429: enough to match the card, not to copy the number. */
export function maskLicenceNumber(n: string): string {
  return n.length === 18 ? `${n.slice(0, 6)}********${n.slice(14)}` : '*'.repeat(n.length);
}
