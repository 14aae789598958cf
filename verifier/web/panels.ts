/** The history and settings panels, drawn from what the session holds. */
import { REASONS, VALID, VALID_WITH_WARNINGS } from '../internal/messages.js';
import type { VerdictCode, Words } from '../report.js';
import { chinaDateTime } from '../../shared/china-time.js';
import { PURPOSE_WORDS } from '../../shared/sd/words.js';
import { button, h } from '../../shared/web/dom.js';
import type { Translator } from '../../shared/web/i18n.js';
import { APP_NOTICES, type AppNoticeCode, type UiKey } from './app-messages.js';
import type { Tone } from './decide-verdict.js';
import type { HistoryEntry } from './scan-history.js';
import { SettingError, type Settings } from './settings.js';
import { tokenScanBlock, type TokenCamera } from './token-scan.js';

type I18n = Translator<UiKey>;

/**
 * The recent checks, newest first, each with who the code was made for and the masked licence
 * number when the code showed it; clearing them takes two taps.
 */
export function renderHistory(
  panel: HTMLElement,
  entries: readonly HistoryEntry[],
  i18n: I18n,
  on: { readonly clear: () => void; readonly close: () => void },
): void {
  let armed = false;
  const clear = button({ id: 'history-clear' }, i18n.t('historyClear'), () => {
    // Two taps, so that a stray one does not erase a shift's record.
    if (armed) {
      on.clear();
      return;
    }
    armed = true;
    clear.textContent = i18n.t('historyConfirm');
  });
  const back = button({ class: 'primary', id: 'history-back' }, i18n.t('close'), on.close);
  panel.replaceChildren(
    h('h2', {}, i18n.t('historyTitle')),
    entries.length === 0
      ? h('p', { id: 'history-empty' }, i18n.t('historyEmpty'))
      : h(
          'ol',
          { class: 'history-list', id: 'history-list' },
          ...entries.map((e) =>
            h(
              'li',
              { 'data-tone': e.tone, 'data-code': e.code },
              h('span', { class: 'dot', 'aria-hidden': 'true' }),
              h(
                'span',
                {},
                [
                  chinaDateTime(e.at),
                  i18n.say(verdictWords(e.tone, e.code)),
                  // Kept on the device by any version of this app: words only for a known purpose.
                  ...(e.purpose !== undefined && Object.hasOwn(PURPOSE_WORDS, e.purpose)
                    ? [i18n.say(PURPOSE_WORDS[e.purpose])]
                    : []),
                ].join(' · '),
              ),
              h(
                'span',
                { class: 'number', 'data-purpose': e.purpose },
                e.masked ?? (e.purpose === undefined ? '—' : i18n.t('historyNotShown')),
              ),
            ),
          ),
        ),
    h('div', { class: 'row' }, clear, back),
  );
}

/** The verdict of a history entry in words: the core's words for its code. */
function verdictWords(tone: Tone, code: VerdictCode | AppNoticeCode | undefined): Words {
  if (tone === 'valid' || code === undefined) return VALID;
  if (tone === 'warning') return VALID_WITH_WARNINGS;
  return code in REASONS ? REASONS[code as VerdictCode] : APP_NOTICES[code as AppNoticeCode];
}

/**
 * The settings form's values as they stand, unsaved, when `panel` holds the form: for drawing it
 * again (in the other language, or with 离线准备's result) without losing what was typed.
 */
export function settingsFormValues(panel: HTMLElement): Settings | undefined {
  const field = (id: string) => panel.querySelector<HTMLInputElement>(`#${id}`);
  const issuer = field('setting-issuer');
  const maxAge = field('setting-max-age');
  const token = field('setting-token');
  const version1 = field('setting-accept-v1');
  if (issuer === null || maxAge === null || token === null || version1 === null) return undefined;
  return formValues(issuer, maxAge, token, version1);
}

/** The form's fields as settings (not yet checked). */
function formValues(
  issuer: HTMLInputElement,
  maxAge: HTMLInputElement,
  token: HTMLInputElement,
  version1: HTMLInputElement,
): Settings {
  return {
    issuerUrl: issuer.value,
    maxAgeS: Math.round(Number(maxAge.value) * 3600),
    token: token.value,
    acceptVersion1: version1.checked,
  };
}

/** What the form says when a setting cannot be kept. */
const SETTING_WORDS: Record<keyof Settings, UiKey> = {
  issuerUrl: 'invalidIssuerUrl',
  maxAgeS: 'invalidMaxAge',
  token: 'invalidToken',
  acceptVersion1: 'invalidSetting',
};

/**
 * The settings form: issuer address, how old data may be (in hours), the device token (typed, or
 * read by 扫码填入 from the console's QR code with `camera`), whether version 1 codes are still
 * accepted. `save` rejects with a SettingError when a setting is wrong, which the form names and
 * marks; a token read is saved as the form is, with the other fields as they stand. `below`: the
 * blocks under the form (the device's identity, 离线准备).
 */
export function renderSettings(
  panel: HTMLElement,
  settings: Settings,
  i18n: I18n,
  on: {
    readonly save: (entered: Settings) => Promise<void>;
    readonly close: () => void;
    readonly camera: TokenCamera;
  },
  below: readonly HTMLElement[] = [],
): void {
  const issuer = h('input', {
    id: 'setting-issuer',
    type: 'url',
    inputmode: 'url',
    autocomplete: 'off',
    placeholder: location.origin,
  });
  issuer.value = settings.issuerUrl;
  const maxAge = h('input', {
    id: 'setting-max-age',
    type: 'number',
    min: '0.25',
    step: '0.25',
    inputmode: 'decimal',
  });
  maxAge.value = String(settings.maxAgeS / 3600);
  const token = h('input', { id: 'setting-token', type: 'password', autocomplete: 'off' });
  token.value = settings.token;
  const version1 = h('input', { id: 'setting-accept-v1', type: 'checkbox' });
  version1.checked = settings.acceptVersion1;
  const message = h('p', { class: 'message', id: 'settings-message', role: 'status' });
  const fields = { issuerUrl: issuer, maxAgeS: maxAge, token, acceptVersion1: version1 } as const;
  /** Saves the form as it stands; `done` says so once kept, else the field that is wrong. */
  const saveForm = (done: UiKey): void => {
    for (const field of Object.values(fields)) field.removeAttribute('aria-invalid');
    on.save(formValues(issuer, maxAge, token, version1)).then(
      () => {
        message.textContent = i18n.t(done);
      },
      (error: unknown) => {
        if (!(error instanceof SettingError)) return;
        message.textContent = i18n.t(SETTING_WORDS[error.setting]);
        const field = fields[error.setting];
        field.setAttribute('aria-invalid', 'true');
        field.focus();
      },
    );
  };
  const save = button({ class: 'primary', id: 'settings-save' }, i18n.t('save'), () => {
    saveForm('saved');
  });
  const scan = tokenScanBlock(i18n, on.camera, (read) => {
    token.value = read;
    saveForm('tokenTaken');
  });
  const back = button({ id: 'settings-back' }, i18n.t('close'), on.close);
  panel.replaceChildren(
    h('h2', {}, i18n.t('settingsTitle')),
    h('label', { for: 'setting-issuer' }, i18n.t('issuerUrl')),
    issuer,
    h('label', { for: 'setting-max-age' }, i18n.t('maxAge')),
    maxAge,
    h('label', { for: 'setting-token' }, i18n.t('deviceToken')),
    h('div', { class: 'token-field' }, token, scan.open),
    scan.message,
    scan.box,
    h('label', { class: 'toggle' }, version1, h('span', {}, i18n.t('acceptVersion1'))),
    h('div', { class: 'row' }, back, save),
    message,
    ...below,
  );
}
