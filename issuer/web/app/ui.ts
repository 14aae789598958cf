/*
 * The app's frame: the translator, the screen in view, and the way from one screen to the next.
 * A screen is a function that fills `main`; whatever it starts (timers, the camera, the wake
 * lock) it registers with onLeave, so that leaving it stops them.
 */
import { ApiError, OfflineError } from '../common/api.js';
import { byId } from '../common/dom.js';
import { translator } from '../common/i18n.js';
import { MESSAGES, type MessageKey } from './messages.js';

export const i18n = translator(MESSAGES, 'lz-app-lang');
/** The message `key` in the current language. */
export const t = i18n.t;

/** A screen of the app. */
export type Screen = (main: HTMLElement) => Promise<void> | void;

let current: Screen | undefined;
let cleanups: (() => void)[] = [];

/** Shows or hides what only a signed-in driver has in the header (inbox, sign-out). */
export function setSignedIn(signedIn: boolean): void {
  document.body.classList.toggle('signed-out', !signedIn);
}

/** Registers what stops when the screen is left. */
export function onLeave(cleanup: () => void): void {
  cleanups.push(cleanup);
}

/** Shows `screen` (again, when it is the current one: after a language change). */
export function go(screen: Screen): void {
  for (const cleanup of cleanups.splice(0)) cleanup();
  cleanups = [];
  current = screen;
  const main = byId('main');
  main.replaceChildren();
  window.scrollTo(0, 0);
  Promise.resolve(screen(main)).catch((error: unknown) => {
    main.append(errorBox(error));
  });
}

/**
 * Shows the current screen again; with `only`, only while that is the current screen (work that
 * finishes in the background must not redraw a screen the driver has moved to).
 */
export function redraw(only?: Screen): void {
  if (current !== undefined && (only === undefined || only === current)) go(current);
}

/** What went wrong, in the user's words. */
export function errorText(error: unknown): string {
  if (error instanceof OfflineError) return t('offline');
  if (error instanceof ApiError) {
    const key = `err_${error.code}` as MessageKey;
    if (error.code === 'ERR_VALIDATION') {
      const issues = Array.isArray(error.body.issues)
        ? (error.body.issues as { field?: unknown }[])
        : [];
      const fields = issues
        .map((i) => (typeof i.field === 'string' ? fieldName(i.field) : ''))
        .filter((f) => f !== '');
      return t('err_ERR_VALIDATION', {
        fields: [...new Set(fields)].join(i18n.lang() === 'zh' ? '、' : ', '),
      });
    }
    if (error.code === 'ERR_LICENCE_NOT_USABLE')
      return t('err_ERR_LICENCE_NOT_USABLE', { reason: reasonText(error.body.reason) });
    if (key in MESSAGES.zh) return t(key);
    return t('errorGeneric', { code: error.code });
  }
  return error instanceof Error ? error.message : String(error);
}

function fieldName(field: string): string {
  const key = `field_${field}` as MessageKey;
  return key in MESSAGES.zh ? t(key) : field;
}

/** A licence's unusable reason (from the service) in words. */
export function reasonText(reason: unknown): string {
  const key = `reason_${String(reason)}` as MessageKey;
  return key in MESSAGES.zh ? t(key) : t('reason_not-normal');
}

/** An error shown in place. */
export function errorBox(error: unknown): HTMLElement {
  const p = document.createElement('p');
  p.className = 'error';
  p.setAttribute('role', 'alert');
  p.textContent = errorText(error);
  return p;
}
