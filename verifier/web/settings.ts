import type { LocalStore } from './local-store.js';

/** Default for how old keys and lists may be before a verdict turns amber: one day. */
export const DEFAULT_MAX_AGE_S = 24 * 3600;

/** The officer's settings, kept on the device. */
export interface Settings {
  /** The issuer's base URL; empty: the page's origin. */
  readonly issuerUrl: string;
  /** Seconds after which keys and lists count as too old. */
  readonly maxAgeS: number;
  /** The device token an admin issued, for portraits; empty when none. */
  readonly token: string;
  /**
   * Whether codes of format version 1 (LZ1:) are still accepted; on until every version 1
   * credential has expired (FORMAT.md §7), then turned off: such a code is then red with
   * ERR_VERSION_RETIRED.
   */
  readonly acceptVersion1: boolean;
}

const DEFAULTS: Settings = {
  issuerUrl: '',
  maxAgeS: DEFAULT_MAX_AGE_S,
  token: '',
  acceptVersion1: true,
};

/** Reads the settings, taking defaults for anything missing or unusable. */
export async function loadSettings(store: LocalStore): Promise<Settings> {
  const kept = await store.get<Partial<Settings>>('settings');
  return {
    issuerUrl: typeof kept?.issuerUrl === 'string' ? kept.issuerUrl : DEFAULTS.issuerUrl,
    maxAgeS:
      typeof kept?.maxAgeS === 'number' && Number.isFinite(kept.maxAgeS) && kept.maxAgeS > 0
        ? kept.maxAgeS
        : DEFAULTS.maxAgeS,
    token: typeof kept?.token === 'string' ? kept.token : DEFAULTS.token,
    acceptVersion1:
      typeof kept?.acceptVersion1 === 'boolean' ? kept.acceptVersion1 : DEFAULTS.acceptVersion1,
  };
}

/**
 * Checks settings as entered: an http(s) issuer URL or nothing, a positive age, version 1 on or
 * off.
 * @throws {RangeError} naming the setting that is wrong.
 */
export function checkSettings(settings: Settings): Settings {
  const issuerUrl = settings.issuerUrl.trim().replace(/\/+$/, '');
  if (issuerUrl !== '') {
    let url: URL;
    try {
      url = new URL(issuerUrl);
    } catch {
      throw new RangeError('issuerUrl: expected an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new RangeError('issuerUrl: expected an absolute http(s) URL');
  }
  if (!Number.isFinite(settings.maxAgeS) || settings.maxAgeS <= 0)
    throw new RangeError('maxAgeS: expected a positive number of seconds');
  if (typeof settings.acceptVersion1 !== 'boolean')
    throw new RangeError('acceptVersion1: expected true or false');
  return {
    issuerUrl,
    maxAgeS: settings.maxAgeS,
    token: settings.token.trim(),
    acceptVersion1: settings.acceptVersion1,
  };
}

/** The issuer URL to use: the setting, or the page's origin. */
export function issuerUrlOf(settings: Settings, origin: string): string {
  return settings.issuerUrl === '' ? origin : settings.issuerUrl;
}
