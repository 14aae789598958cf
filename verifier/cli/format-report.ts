import type { GroupName } from '../../shared/sd/groups.js';
import { GROUP_WORDS, PURPOSE_WORDS } from '../../shared/sd/words.js';
import type { CheckStatus, VerificationReport } from '../report.js';

const MARK: Readonly<Record<CheckStatus, string>> = {
  PASSED: '✔',
  FAILED: '✘',
  WARNING: '!',
  SKIPPED: '·',
};

/**
 * The report as text for a terminal: the verdict, the purpose, the licence elements shown (number
 * masked), the groups shown and withheld (each with what it holds), and every check. `--json`
 * prints the same report as JSON.
 */
export function formatReport(report: VerificationReport): string {
  const head = report.valid
    ? report.warnings.length > 0
      ? 'VALID (warnings)'
      : 'VALID'
    : `INVALID ${report.code ?? ''}`;
  const out = [`${head}: ${report.message.zh} / ${report.message.en}`];
  const l = report.licence;
  const d = report.disclosure;
  if (l !== undefined && d !== undefined) {
    const purpose = PURPOSE_WORDS[d.purpose];
    out.push(`  用途 ${purpose.zh} / purpose ${purpose.en} (format ${d.version})`);
    const shown = [
      l.name,
      l.licenceNumber === undefined ? undefined : maskLicenceNumber(l.licenceNumber),
      l.classes === undefined ? undefined : `准驾车型 ${l.classes.join('')}`,
      l.validFrom === undefined || l.validTo === undefined
        ? undefined
        : `有效期限 ${l.validFrom} 至 ${l.validTo === 'long-term' ? '长期' : l.validTo}`,
      // The flags in words when the birth date is not shown (it says more than they do).
      d.ageOver18 === undefined || d.disclosed.includes('identity')
        ? undefined
        : d.ageOver18
          ? '已满18周岁 / 18 or over'
          : '未满18周岁 / under 18',
      d.ageOver60 === undefined || d.disclosed.includes('identity')
        ? undefined
        : d.ageOver60
          ? '已满60周岁 / 60 or over'
          : '未满60周岁 / under 60',
    ].filter((v) => v !== undefined);
    if (shown.length > 0) out.push(`  ${shown.join('  ')}`);
    out.push('  出示 / shown:', ...d.disclosed.map(groupLine));
    if (d.withheld.length > 0) out.push('  未出示 / withheld:', ...d.withheld.map(groupLine));
  }
  for (const c of report.checks) {
    out.push(
      `  ${MARK[c.status]} ${c.id.padEnd(17)} ${c.message.zh} / ${c.message.en}${c.detail === undefined ? '' : ` (${c.detail})`}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** One group: its name, then what it holds in words. */
function groupLine(g: GroupName): string {
  const words = GROUP_WORDS[g];
  return `    ${g.padEnd(12)} ${words.zh} / ${words.en}`;
}

/** 440106199003072429 → 440106********2429: enough to match the card, not to copy the number. */
export function maskLicenceNumber(n: string): string {
  return n.length === 18 ? `${n.slice(0, 6)}********${n.slice(14)}` : '*'.repeat(n.length);
}
