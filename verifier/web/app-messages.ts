/*
 * The app's own words, Chinese first. The verdicts and check results are the core's
 * (verifier/internal/messages.ts) and are not repeated here; these are the labels around them
 * and the remarks that only this app makes (data age, clock, portrait).
 */
import type { Words } from '../report.js';

/** Remarks of this app's own policy, each with a stable code. */
export const APP_NOTICES = {
  WARN_KEYS_MISSING: {
    zh: '尚未获取签发机关密钥，请联网更新',
    en: 'No issuer keys yet: go online to update',
  },
  WARN_KEYS_STALE: {
    zh: '签发机关密钥已过久未更新，请联网更新',
    en: 'Issuer keys not updated for too long: go online to update',
  },
  WARN_DEVICE_CLOCK_BEHIND: {
    zh: '本机时间慢于可信时间，已按可信时间核验，请校准时间',
    en: "This device's clock is behind the trusted time: verified with the trusted time; set the clock",
  },
  WARN_DEVICE_CLOCK_AHEAD: {
    zh: '本机时间快于可信时间，已按可信时间核验，请校准时间',
    en: "This device's clock is ahead of the trusted time: verified with the trusted time; set the clock",
  },
} as const satisfies Readonly<Record<string, Words>>;

/** The code of one of this app's remarks. */
export type AppNoticeCode = keyof typeof APP_NOTICES;

/** Labels of the screen. */
export const UI = {
  title: { zh: '亮证核验', en: 'Licence Check' },
  language: { zh: 'EN', en: '中文' },
  languageName: { zh: 'Switch to English', en: '切换到中文' },
  skippedCount: { zh: '项', en: 'checks' },
  history: { zh: '记录', en: 'History' },
  settings: { zh: '设置', en: 'Settings' },
  refresh: { zh: '更新', en: 'Update' },
  scanHint: { zh: '将电子驾驶证二维码对准框内', en: 'Hold the e-licence QR code inside the frame' },
  pickImage: { zh: '选择图片', en: 'Pick an image' },
  starting: { zh: '正在打开摄像头…', en: 'Starting the camera…' },
  noCamera: {
    zh: '无法使用摄像头，请选择图片',
    en: 'Camera not available: pick an image instead',
  },
  insecure: {
    zh: '摄像头需要 HTTPS 连接，请选择图片',
    en: 'The camera needs an HTTPS connection: pick an image instead',
  },
  noCodeInImage: { zh: '图片中未找到二维码', en: 'No QR code found in the image' },
  badImage: { zh: '无法读取此图片', en: 'Cannot read this image' },
  verifying: { zh: '核验中…', en: 'Verifying…' },
  kickerValid: { zh: '核验通过', en: 'Check passed' },
  kickerWarning: { zh: '核验通过 · 请注意', en: 'Check passed · note' },
  kickerInvalid: { zh: '核验不通过', en: 'Check failed' },
  verifiedAt: { zh: '核验时间（北京时间）', en: 'Verified at (Beijing time)' },
  scanNext: { zh: '继续扫描', en: 'Scan next' },
  checks: { zh: '核验项目', en: 'Checks' },
  licenceTitle: { zh: '中华人民共和国机动车驾驶证', en: 'Driving Licence of the PRC' },
  online: { zh: '在线', en: 'Online' },
  offline: { zh: '离线', en: 'Offline' },
  unreachable: { zh: '无法连接', en: 'No connection' },
  keys: { zh: '密钥', en: 'Keys' },
  lists: { zh: '列表', en: 'Lists' },
  never: { zh: '未获取', en: 'never' },
  none: { zh: '无', en: 'none' },
  historyTitle: { zh: '最近核验记录', en: 'Recent checks' },
  historyEmpty: { zh: '暂无记录', en: 'No checks yet' },
  historyClear: { zh: '清除记录', en: 'Clear history' },
  historyConfirm: { zh: '确定清除全部核验记录？', en: 'Clear every check from the history?' },
  close: { zh: '返回', en: 'Back' },
  settingsTitle: { zh: '设置', en: 'Settings' },
  issuerUrl: { zh: '签发机关地址', en: 'Issuer address' },
  maxAge: { zh: '数据最长有效（小时）', en: 'Data valid for at most (hours)' },
  deviceToken: { zh: '设备令牌（照片调取）', en: 'Device token (for portraits)' },
  save: { zh: '保存', en: 'Save' },
  saved: { zh: '已保存', en: 'Saved' },
  invalidSetting: { zh: '设置有误', en: 'Invalid setting' },
  portrait: { zh: '照片', en: 'Portrait' },
  portraitLoading: { zh: '正在调取照片…', en: 'Fetching the portrait…' },
  portraitNoToken: {
    zh: '照片不可用（未设置设备令牌）',
    en: 'Portrait unavailable (no device token set)',
  },
  portraitOffline: { zh: '照片不可用（离线）', en: 'Portrait unavailable (offline)' },
  portraitNone: {
    zh: '照片不可用（凭证不含照片）',
    en: 'Portrait unavailable (the credential has none)',
  },
  portraitError: { zh: '照片不可用', en: 'Portrait unavailable' },
  portraitNotFetched: { zh: '核验未通过，不调取照片', en: 'Not fetched: the check failed' },
  portraitMismatch: {
    zh: '照片与电子驾驶证不符，不予显示',
    en: 'Portrait does not match the e-licence: not shown',
  },
  longTerm: { zh: '长期', en: 'Long-term' },
  to: { zh: '至', en: 'to' },
} as const satisfies Readonly<Record<string, Words>>;

/** The licence fields in the order of the paper card (docs/DOMAIN.md §2.1). */
export const FIELD_LABELS = {
  licenceNumber: { zh: '证号', en: 'No.' },
  name: { zh: '姓名', en: 'Name' },
  sex: { zh: '性别', en: 'Sex' },
  nationality: { zh: '国籍', en: 'Nationality' },
  address: { zh: '住址', en: 'Address' },
  birthDate: { zh: '出生日期', en: 'Date of birth' },
  firstIssueDate: { zh: '初次领证日期', en: 'First issued' },
  classes: { zh: '准驾车型', en: 'Classes' },
  validity: { zh: '有效期限', en: 'Valid' },
  issuingAuthority: { zh: '发证机关', en: 'Issued by' },
  fileNumber: { zh: '档案编号', en: 'File No.' },
  // The status the credential was signed with; the live one is the status list's (the verdict).
  status: { zh: '签发时状态', en: 'Status at issue' },
} as const satisfies Readonly<Record<string, Words>>;

/** 性别 as printed. */
export const SEX: Readonly<Record<string, Words>> = {
  M: { zh: '男', en: 'M' },
  F: { zh: '女', en: 'F' },
};

/** 国籍: the country's name for the codes seen on licences, else the code itself. */
export const NATIONALITY: Readonly<Record<string, Words>> = {
  CHN: { zh: '中国', en: 'China' },
};
