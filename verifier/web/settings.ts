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
}

const DEFAULTS: Settings = { issuerUrl: '', maxAgeS: DEFAULT_MAX_AGE_S, token: '' };

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
  };
}

/**
 * Checks settings as entered: an http(s) issuer URL or nothing, a positive age.
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
  return { issuerUrl, maxAgeS: settings.maxAgeS, token: settings.token.trim() };
}

/** The issuer URL to use: the setting, or the page's origin. */
export function issuerUrlOf(settings: Settings, origin: string): string {
  return settings.issuerUrl === '' ? origin : settings.issuerUrl;
}
