/**
 * 扫码填入: the device token read from the QR code the staff console shows when an admin registers
 * a device (its content is the token itself), with the app's own camera scanner, in a box under
 * the token field. A token fills the field and is applied as a saved field is; any other code (an
 * e-licence code, a request, a payment code or web address) is said for what it is and the camera
 * reads on. What is read is never kept, logged or added to the history.
 */
import { button, h } from '../../shared/web/dom.js';
import type { Translator } from '../../shared/web/i18n.js';
import type { UiKey } from './app-messages.js';
import { readTokenCode, type CodeKind } from './code-kind.js';

type I18n = Translator<UiKey>;

/** How a start of the token camera ended: started, or why not (`left`: the settings closed). */
export type TokenCameraStart = 'started' | 'noReader' | 'insecure' | 'noCamera' | 'left';

/** The app's camera scanner as the settings use it for the token. */
export interface TokenCamera {
  /** Starts the scanner on `video`; each code read goes to `onCode`. Never rejects. */
  start(video: HTMLVideoElement, onCode: (text: string) => void): Promise<TokenCameraStart>;
  /** Stops it and releases the camera (its tracks stopped); nothing when it is not running. */
  stop(): void;
}

/** The words for a code that is not a device token, by what it is. */
const NOT_TOKEN: Readonly<Record<CodeKind, UiKey>> = {
  presentation: 'tokenNotLicence',
  request: 'tokenNotRequest',
  other: 'tokenNotOther',
};

/** Why the camera did not start, in words: the token can still be typed. */
const NOT_STARTED: Readonly<Record<Exclude<TokenCameraStart, 'started' | 'left'>, UiKey>> = {
  noReader: 'noReader',
  insecure: 'tokenScanInsecure',
  noCamera: 'tokenScanNoCamera',
};

/** The parts of the token scanner that the settings form places. */
export interface TokenScanBlock {
  /** 扫码填入, beside the token field. */
  readonly open: HTMLButtonElement;
  /** The camera, what to do, and 取消扫码; hidden while the camera is off. */
  readonly box: HTMLElement;
  /**
   * What the camera read instead of a token, or why it did not start, in words
   * (`#token-scan-message`): above the box, so that it is seen with the camera and without it.
   */
  readonly message: HTMLElement;
}

/** The token scanner; `onToken` gets a token read, after the camera was stopped. */
export function tokenScanBlock(
  i18n: I18n,
  camera: TokenCamera,
  onToken: (token: string) => void,
): TokenScanBlock {
  const video = h('video', { id: 'token-camera', muted: true, playsinline: true });
  const hint = h('p', { id: 'token-scan-hint', class: 'token-scan-hint' });
  const message = h('p', {
    id: 'token-scan-message',
    class: 'message token-scan-message',
    role: 'status',
  });
  const say = (key: UiKey | undefined): void => {
    const text = key === undefined ? '' : i18n.t(key);
    // The same code stays in front of the camera: it is said once, not at every frame.
    if (message.textContent !== text) message.textContent = text;
  };
  const close = (): void => {
    camera.stop();
    box.hidden = true;
    open.disabled = false;
  };
  const onCode = (text: string): void => {
    const read = readTokenCode(text);
    if ('other' in read) {
      say(NOT_TOKEN[read.other]);
      return;
    }
    close();
    say(undefined);
    onToken(read.token);
  };
  const cancel = button({ id: 'token-scan-cancel' }, i18n.t('tokenScanCancel'), () => {
    close();
    say(undefined);
    open.focus();
  });
  const box = h(
    'div',
    { id: 'token-scan', class: 'token-scan', hidden: true },
    h('div', { class: 'camera' }, video, h('div', { class: 'guide', 'aria-hidden': 'true' })),
    hint,
    h('div', { class: 'row' }, cancel),
  );
  const open = button({ id: 'token-scan-open' }, i18n.t('tokenScan'), () => {
    open.disabled = true;
    box.hidden = false;
    hint.textContent = i18n.t('starting');
    say(undefined);
    cancel.focus();
    void camera.start(video, onCode).then((outcome) => {
      if (outcome === 'started') hint.textContent = i18n.t('tokenScanHint');
      else if (outcome !== 'left') {
        close();
        say(NOT_STARTED[outcome]);
      }
    });
  });
  return { open, box, message };
}
