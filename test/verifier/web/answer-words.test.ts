/*
 * The police app's words around a verdict, without a browser: what a scanned text is (an
 * e-licence code or not, a device token or not), and when the card says the status the
 * credential was signed with.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LICENCE_STATUS } from '../../../shared/licence/codes.js';
import {
  PASSED,
  REASONS,
  VALID,
  VALID_WITH_WARNINGS,
} from '../../../verifier/internal/messages.js';
import type { CheckResult, VerdictCode } from '../../../verifier/report.js';
import { codeKind, readTokenCode } from '../../../verifier/web/code-kind.js';
import type { Verdict } from '../../../verifier/web/decide-verdict.js';
import { statusAtIssue } from '../../../verifier/web/render-verdict.js';

describe('codeKind', () => {
  it('when the text starts with a presentation prefix of either format, then it is a presentation, even when the rest is damaged', () => {
    expect(codeKind('LZ1:0123')).toBe('presentation');
    expect(codeKind('LZ2:0123')).toBe('presentation');
    expect(codeKind('LZ2:not digits')).toBe('presentation');
  });

  it("when the text starts with the request prefix, then it is a verifier's request", () => {
    expect(codeKind('LZQ1:0123')).toBe('request');
  });

  it('when the text is a payment or WeChat code, a web address, empty, or a prefix in lower case, then it is something else', () => {
    expect(codeKind('wxp://f2f0Xk3c9pQ')).toBe('other');
    expect(codeKind('https://qr.alipay.com/fkx12345')).toBe('other');
    expect(codeKind('')).toBe('other');
    expect(codeKind('lz2:0123')).toBe('other');
    expect(codeKind(' LZ2:0123')).toBe('other');
  });
});

describe('readTokenCode', () => {
  const token = randomBytes(32).toString('base64url');

  it('when the QR holds a token as the console shows it, then that token, white space around it left out', () => {
    expect(readTokenCode(token)).toEqual({ token });
    expect(readTokenCode(`  ${token}\r\n`)).toEqual({ token });
  });

  it('when the QR is an e-licence code, a request or anything else, then what it is and no token', () => {
    expect(readTokenCode('LZ2:0123')).toEqual({ other: 'presentation' });
    expect(readTokenCode('LZ1:0123')).toEqual({ other: 'presentation' });
    expect(readTokenCode('LZQ1:0123')).toEqual({ other: 'request' });
    expect(readTokenCode('wxp://f2f0Xk3c9pQ')).toEqual({ other: 'other' });
    expect(readTokenCode(`https://example.cn/${token}`)).toEqual({ other: 'other' });
    expect(readTokenCode(token.slice(1))).toEqual({ other: 'other' });
    expect(readTokenCode(`${token.slice(0, 42)}B`)).toEqual({ other: 'other' });
  });
});

/** A verdict of `tone` whose status_list check ended `live` (and the deciding code `code`). */
function verdictOf(
  tone: Verdict['tone'],
  live: CheckResult['status'],
  code?: VerdictCode,
): Verdict {
  const statusList: CheckResult = {
    id: 'status_list',
    status: live,
    message: live === 'PASSED' ? PASSED.status_list : REASONS.WARN_STATUS_UNCHECKED,
    ...(live === 'WARNING' ? { code: 'WARN_STATUS_UNCHECKED' as const } : {}),
  };
  return {
    tone,
    ...(code === undefined ? {} : { code }),
    headline: code === undefined ? (tone === 'valid' ? VALID : VALID_WITH_WARNINGS) : REASONS[code],
    notices: [],
    report: {
      valid: tone !== 'invalid',
      ...(tone === 'invalid' && code !== undefined ? { code } : {}),
      message: VALID,
      warnings: [],
      checks: [statusList],
      verifiedAt: '2026-03-10T02:00:00.000Z',
    },
  };
}

describe('statusAtIssue', () => {
  it('when the licence was normal at issue and the verdict is green, then the card does not say it (the live status was read)', () => {
    expect(statusAtIssue(verdictOf('valid', 'PASSED'), 'A')).toBeUndefined();
  });

  it('when the licence was normal at issue and the list now says suspended, then the card does not say 正常 under the red 驾驶证已暂扣', () => {
    expect(statusAtIssue(verdictOf('invalid', 'FAILED', 'ERR_SUSPENDED'), 'A')).toBeUndefined();
  });

  it('when the verdict is red for another reason, then 正常 at issue is not said either', () => {
    expect(
      statusAtIssue(verdictOf('invalid', 'SKIPPED', 'ERR_PROOF_EXPIRED'), 'A'),
    ).toBeUndefined();
  });

  it('when the verdict is amber because the live status was not checked, then the card says 正常 at issue, in words', () => {
    expect(statusAtIssue(verdictOf('warning', 'WARNING', 'WARN_STATUS_UNCHECKED'), 'A')).toEqual(
      LICENCE_STATUS.A,
    );
  });

  it('when the verdict is amber for the clock only (the live status was read), then 正常 at issue is not said', () => {
    expect(statusAtIssue(verdictOf('warning', 'PASSED'), 'A')).toBeUndefined();
  });

  it('when the headline already names the status at issue, then the card does not repeat it', () => {
    expect(statusAtIssue(verdictOf('invalid', 'PASSED', 'ERR_SUSPENDED'), 'D')).toBeUndefined();
    expect(statusAtIssue(verdictOf('invalid', 'PASSED', 'ERR_REVOKED'), 'F')).toBeUndefined();
    expect(statusAtIssue(verdictOf('invalid', 'PASSED', 'ERR_CANCELLED'), 'G')).toBeUndefined();
    expect(
      statusAtIssue(verdictOf('invalid', 'PASSED', 'ERR_RENEWAL_OVERDUE'), 'M'),
    ).toBeUndefined();
    expect(
      statusAtIssue(verdictOf('invalid', 'PASSED', 'ERR_POINTS_EXCEEDED'), 'B'),
    ).toBeUndefined();
  });

  it('when the headline says less than the status at issue (状态异常, or another word for it), then the card says the status in words', () => {
    expect(statusAtIssue(verdictOf('invalid', 'PASSED', 'ERR_LICENCE_NOT_VALID'), 'H')).toEqual(
      LICENCE_STATUS.H,
    );
    // 扣留 and 撤销 are judged as 暂扣 and 吊销: the card names the status itself.
    expect(statusAtIssue(verdictOf('invalid', 'PASSED', 'ERR_SUSPENDED'), 'U')).toEqual(
      LICENCE_STATUS.U,
    );
    expect(statusAtIssue(verdictOf('invalid', 'PASSED', 'ERR_REVOKED'), 'E')).toEqual(
      LICENCE_STATUS.E,
    );
  });

  it('when a status other than normal was signed but the verdict stopped before reading it, then the card says it', () => {
    expect(statusAtIssue(verdictOf('invalid', 'SKIPPED', 'ERR_PROOF_EXPIRED'), 'D')).toEqual(
      LICENCE_STATUS.D,
    );
  });

  it('when the holder did not show the status, then the card has no status row', () => {
    expect(
      statusAtIssue(verdictOf('warning', 'WARNING', 'WARN_STATUS_UNCHECKED'), undefined),
    ).toBeUndefined();
  });
});
