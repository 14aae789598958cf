/**
 * Audit entries in words, without a DOM (tested on their own): who acted, what they did, and
 * what changed (状态：正常 → 暂扣；原因：…), each value by name (statuses, roles, groups), times
 * in China time. A recorded licence record counts by its status, points and last valid day only,
 * as the service's audit search shows it.
 */
import { chinaDateTime } from '../../../shared/china-time.js';
import { LICENCE_STATUS } from '../../../shared/licence/codes.js';
import { GROUP_NAMES } from '../../../shared/sd/groups.js';
import { GROUP_WORDS } from '../../../shared/sd/words.js';
import type { Translator } from '../../../shared/web/i18n.js';
import { ACTIONS, type MessageKey } from './messages.js';

/** What the words need of the console's translator. */
export type Say = Pick<Translator<MessageKey>, 't' | 'has' | 'lang' | 'say'>;

/** Who did it, in words; a member of staff by username when `staffNames` knows them. */
export function actorWords(
  say: Say,
  actor: string,
  staffNames: ReadonlyMap<number, string> = new Map(),
): string {
  if (actor === 'system') return say.t('actorSystem');
  if (actor === 'cli') return say.t('actorCli');
  const [kind = '', id = ''] = actor.split(':');
  if (kind === 'driver') return say.t('actorDriver');
  if (kind === 'verifier-device') return say.t('actorVerifierDevice', { id });
  if (kind === 'staff') {
    const name = staffNames.get(Number(id));
    return name === undefined ? say.t('actorStaff', { id }) : say.t('actorStaffNamed', { name });
  }
  return actor;
}

/** An action in words; one the catalogue does not know, as recorded. */
export function actionWords(say: Say, action: string): string {
  const words = ACTIONS[action];
  return words === undefined ? action : say.say(words);
}

/** Fields whose numbers are times (seconds since the epoch). */
const TIMES = new Set(['deadline', 'lockedUntil', 'revokedAt', 'expiresAt', 'disabledAt']);
/** Fields whose values are named in the catalogue as `<prefix><value>`. */
const NAMED: Readonly<Record<string, string>> = {
  state: 'state_',
  path: 'path_',
  outcome: 'outcome_',
  role: 'role_',
  by: 'by_',
  source: 'source_',
  mode: 'mode_',
};

/** One recorded value in words: statuses, roles and groups by name, times in China time. */
export function valueWords(say: Say, field: string, value: unknown): string {
  if (typeof value === 'number' && (TIMES.has(field) || field.endsWith('At')))
    return chinaDateTime(value * 1000, 'minute');
  if (typeof value === 'boolean') return say.t(value ? 'yes' : 'no');
  if (field === 'status' && typeof value === 'string' && Object.hasOwn(LICENCE_STATUS, value))
    return say.say(LICENCE_STATUS[value as keyof typeof LICENCE_STATUS]);
  if (field === 'validTo' && value === 'long-term') return say.t('longTerm');
  if (field === 'may' && Array.isArray(value))
    return value
      .map((g) => {
        const name = GROUP_NAMES[g as number];
        return name === undefined ? String(g) : say.say(GROUP_WORDS[name]);
      })
      .join(say.lang() === 'zh' ? '；' : '; ');
  // A photo by the start of its hash: enough to tell one submission's photo from another's.
  if (field === 'photoHash' && typeof value === 'string') return `${value.slice(0, 8)}…`;
  const prefix = NAMED[field];
  if (prefix !== undefined && say.has(`${prefix}${String(value)}`))
    return say.t(`${prefix}${String(value)}` as MessageKey);
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value === null) return '—';
  return Array.isArray(value) ? value.map((v) => valueWords(say, field, v)).join('、') : '…';
}

/** A recorded state as a flat object: a licence record gives its status, points, last day. */
function flat(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const { record, ...rest } = value as Record<string, unknown>;
  if (typeof record !== 'object' || record === null) return rest;
  const { status, points, validTo } = record as Record<string, unknown>;
  return { ...rest, status, points, validTo };
}

/**
 * What an entry changed, in words: `状态：正常 → 暂扣；原因：…`. Only fields the catalogue has
 * words for (`auditField_<name>`); a value that stayed the same is said once.
 */
export function detailWords(say: Say, before: unknown, after: unknown): string {
  const was = flat(before);
  const now = flat(after);
  const [colon, separator] = say.lang() === 'zh' ? ['：', '；'] : [': ', '; '];
  return (
    [...new Set([...Object.keys(was), ...Object.keys(now)])]
      // A field without words (a request id, a provider's reference) tells a reader nothing.
      .filter((field) => say.has(`auditField_${field}`))
      .filter((field) => was[field] !== undefined || now[field] !== undefined)
      .map((field) => {
        const label = say.t(`auditField_${field}` as MessageKey);
        const from = field in was ? valueWords(say, field, was[field]) : undefined;
        const to = field in now ? valueWords(say, field, now[field]) : undefined;
        const words =
          from !== undefined && to !== undefined && from !== to
            ? `${from} → ${to}`
            : (to ?? from ?? '');
        return `${label}${colon}${words}`;
      })
      .join(separator)
  );
}

/**
 * What an entry was about, in words: a licence by its number as the search masked it, a member
 * of staff by username, an application, a verifier device.
 */
export function subjectWords(
  say: Say,
  subject: string,
  staffNames: ReadonlyMap<number, string> = new Map(),
): string {
  if (subject === 'verifier-devices') return say.t('subjectDevices');
  const [kind = '', id = ''] = subject.split(':');
  if (kind === 'staff') {
    const name = staffNames.get(Number(id));
    return name === undefined ? say.t('actorStaff', { id }) : say.t('actorStaffNamed', { name });
  }
  if (kind === 'application') return say.t('application', { id });
  if (kind === 'verifier-device') return say.t('actorVerifierDevice', { id });
  if (kind === 'driver') return say.t('subjectDriver', { id });
  return subject;
}
