import type { CheckId, VerdictCode, Words } from '../report.js';

/** What each check says when it passes. */
export const PASSED: Readonly<Record<CheckId, Words>> = {
  parse: { zh: '二维码格式正确', en: 'Code is well-formed' },
  type: { zh: '凭证类型与签名算法正确', en: 'Credential type and algorithm accepted' },
  issuer_known: { zh: '签发机关可信', en: 'Issuer key is trusted' },
  issuer_signature: { zh: '签发机关签名有效', en: 'Issuer signature valid' },
  claims: { zh: '凭证内容完整', en: 'Credential contents valid' },
  disclosures: {
    zh: '出示的信息与签发机关签名相符',
    en: 'Shown data matches what the issuer signed',
  },
  holder_signature: { zh: '持证人设备签名有效', en: 'Holder device signature valid' },
  proof_freshness: { zh: '出示码为实时生成', en: 'Code freshly generated' },
  credential_time: { zh: '电子驾驶证在有效期内', en: 'E-licence within its validity' },
  status_list: { zh: '实时状态正常', en: 'Status list: valid' },
  licence_status: { zh: '驾驶证状态正常', en: 'Licence status normal' },
  licence_validity: { zh: '驾驶证在有效期限内', en: 'Licence within its validity dates' },
};

/** What a check says when it is not run because an earlier one failed. */
export const SKIPPED: Words = {
  zh: '未检查（前项未通过）',
  en: 'Not checked (an earlier check failed)',
};

/** What a licence check says when the holder did not show what it reads (FORMAT.md §8.8). */
export const NOT_SHOWN: Words = {
  zh: '未检查（持证人未出示驾驶信息）',
  en: 'Not checked (the holder did not show the driving data)',
};

/** The verdict for a valid presentation. */
export const VALID: Words = { zh: '有效', en: 'Valid' };
export const VALID_WITH_WARNINGS: Words = { zh: '有效（有提示）', en: 'Valid, with warnings' };

/** What each failure or warning says, in words an officer reads at a glance. */
export const REASONS: Readonly<Record<VerdictCode, Words>> = {
  ERR_MALFORMED: { zh: '不是有效的电子驾驶证二维码', en: 'Not a valid e-licence code' },
  ERR_TOO_LARGE: { zh: '二维码内容过大', en: 'Code content too large' },
  ERR_ALG_NOT_ALLOWED: { zh: '签名算法不被接受', en: 'Signature algorithm not accepted' },
  ERR_WRONG_TYPE: { zh: '不是电子驾驶证', en: 'Not an electronic driving licence' },
  ERR_CRIT_UNSUPPORTED: { zh: '含有不支持的扩展', en: 'Unsupported extension' },
  ERR_KEY_IN_HEADER: { zh: '凭证自带密钥，不予信任', en: 'Token carries its own key: refused' },
  ERR_HEADER_INVALID: { zh: '凭证头格式错误', en: 'Malformed credential header' },
  ERR_KEY_INVALID: { zh: '密钥无效', en: 'Invalid key' },
  ERR_UNKNOWN_ISSUER: { zh: '签发机关未知', en: 'Unknown issuer' },
  ERR_BAD_SIGNATURE: { zh: '签名无效', en: 'Invalid signature' },
  ERR_CLAIMS_INVALID: { zh: '凭证内容无效', en: 'Credential contents invalid' },
  ERR_ISSUER_MISMATCH: { zh: '签发机关与密钥不符', en: 'Issuer does not match its key' },
  ERR_LICENCE_INVALID: { zh: '驾驶证信息无效', en: 'Licence data invalid' },
  ERR_DISCLOSURE_MISMATCH: {
    zh: '出示的信息与签发机关签名不符（被篡改）',
    en: 'Shown data does not match what the issuer signed (altered)',
  },
  ERR_DISCLOSURE_DUPLICATE: {
    zh: '同一项信息出示了两次，不予接受',
    en: 'The same data shown twice: refused',
  },
  ERR_DISCLOSURE_UNKNOWN: {
    zh: '出示了凭证中没有的信息，不予接受',
    en: 'Shows data the e-licence does not contain: refused',
  },
  ERR_HOLDER_SIGNATURE: {
    zh: '出示码签名无效（非持证人设备或被篡改）',
    en: "Code signature invalid (not the holder's device, or altered)",
  },
  ERR_PROOF_EXPIRED: { zh: '出示码已过期', en: 'Code expired: ask for a fresh one' },
  ERR_PROOF_NOT_YET_VALID: { zh: '出示码时间晚于当前时间', en: 'Code is dated in the future' },
  ERR_NONCE_MISMATCH: { zh: '出示码不是为本次核验生成', en: 'Code not made for this check' },
  ERR_CREDENTIAL_EXPIRED: {
    zh: '电子驾驶证已过期，需联网更新',
    en: 'E-licence expired: holder must refresh online',
  },
  ERR_CREDENTIAL_NOT_YET_VALID: { zh: '电子驾驶证尚未生效', en: 'E-licence not yet valid' },
  ERR_LICENCE_EXPIRED: { zh: '驾驶证已超过有效期限', en: 'Licence past its validity date' },
  ERR_LICENCE_NOT_YET_VALID: { zh: '驾驶证尚未生效', en: 'Licence not yet valid' },
  ERR_SUSPENDED: { zh: '驾驶证已暂扣', en: 'Licence suspended' },
  ERR_REVOKED: { zh: '驾驶证已吊销', en: 'Licence revoked' },
  ERR_CANCELLED: { zh: '驾驶证已注销', en: 'Licence cancelled' },
  ERR_POINTS_EXCEEDED: { zh: '驾驶证记分已满12分', en: '12 points reached' },
  ERR_RENEWAL_OVERDUE: { zh: '驾驶证逾期未换证', en: 'Licence renewal overdue' },
  ERR_LICENCE_NOT_VALID: { zh: '驾驶证状态异常', en: 'Licence status not normal' },
  ERR_SUPERSEDED: { zh: '此电子驾驶证已被新证取代', en: 'Replaced by a newer e-licence' },
  ERR_STATUS_UNKNOWN: { zh: '状态列表不含此证', en: 'Status list does not cover this e-licence' },
  ERR_STATUS_UNCHECKED: { zh: '未能核验实时状态', en: 'Status could not be checked' },
  ERR_STATUS_STALE: { zh: '状态列表已过期', en: 'Status list out of date' },
  ERR_WRONG_VERIFIER: {
    zh: '此码是为其他核验方的请求生成的，不能在本机核验',
    en: "Code answers another verifier's request: not valid here",
  },
  ERR_NONCE_USED: {
    zh: '此码已核验过一次，请持证人重新出示',
    en: 'Code already checked once: ask for a new one',
  },
  ERR_VERSION_RETIRED: {
    zh: '旧版电子驾驶证已停用，请持证人联网更新',
    en: 'Old e-licence format no longer accepted: holder must refresh online',
  },
  ERR_CLOCK_BEHIND: {
    zh: '本机时间早于签发时间，请校准时间',
    en: "This device's clock is behind: set the time",
  },
  WARN_CLOCK_BEHIND: {
    zh: '本机时间可能不准确（早于状态列表签发时间）',
    en: "This device's clock may be behind (status list is newer)",
  },
  WARN_STATUS_UNCHECKED: {
    zh: '未核验实时状态（无状态列表）',
    en: 'Status not checked (no status list)',
  },
  WARN_STATUS_STALE: {
    zh: '状态列表已过期，结果可能不是最新',
    en: 'Status list out of date: result may be old',
  },
};
