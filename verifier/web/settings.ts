import { isDeviceToken } from '../../shared/request/device-token.js';
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

/** A setting as entered that cannot be kept; `setting` names it, for the words on screen. */
export class SettingError extends RangeError {
  constructor(
    readonly setting: keyof Settings,
    expected: string,
  ) {
    super(`${setting}: expected ${expected}`);
    this.name = 'SettingError';
  }
}

/**
 * Checks settings as entered: an http(s) issuer URL or nothing, a positive age, a device token
 * of the shape the console issues or nothing, version 1 on or off.
 * @throws {SettingError} naming the setting that is wrong.
 */
export function checkSettings(settings: Settings): Settings {
  const issuerUrl = settings.issuerUrl.trim().replace(/\/+$/, '');
  if (issuerUrl !== '') {
    let url: URL;
    try {
      url = new URL(issuerUrl);
    } catch {
      throw new SettingError('issuerUrl', 'an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new SettingError('issuerUrl', 'an absolute http(s) URL');
  }
  if (!Number.isFinite(settings.maxAgeS) || settings.maxAgeS <= 0)
    throw new SettingError('maxAgeS', 'a positive number of seconds');
  // A mistyped or half-pasted token would only be refused by the service, later and online.
  const token = settings.token.trim();
  if (token !== '' && !isDeviceToken(token))
    throw new SettingError(
      'token',
      `the device token the console showed (43 characters), found ${token.length} characters`,
    );
  if (typeof settings.acceptVersion1 !== 'boolean')
    throw new SettingError('acceptVersion1', 'true or false');
  return { issuerUrl, maxAgeS: settings.maxAgeS, token, acceptVersion1: settings.acceptVersion1 };
}

/** The issuer URL to use: the setting, or the page's origin. */
export function issuerUrlOf(settings: Settings, origin: string): string {
  return settings.issuerUrl === '' ? origin : settings.issuerUrl;
}
