/*
 * The app's frame: the translator, and the screens (shared/web/screens.ts) with the way from one
 * to the next. Whatever a screen starts (timers, the camera, the wake lock) it registers with
 * onLeave, so that leaving it stops them.
 */
import { ApiError, OfflineError } from '../common/api.js';
import { screenFrame, type Screen } from '../../../shared/web/screens.js';
import { h } from '../../../shared/web/dom.js';
import { LicenceError } from '../../../shared/errors.js';
import { translator } from '../../../shared/web/i18n.js';
import { problemWords } from '../../../shared/web/problem-words.js';
import { MESSAGES } from './messages.js';

export const i18n = translator(MESSAGES, 'lz-app-lang');
/** The message `key` in the current language. */
export const t = i18n.t;

export type { Screen };

const frame = screenFrame((error) => h('p', { class: 'error', role: 'alert' }, errorText(error)));
/** errorBox: an error shown in place, in the user's words (shown again after a redraw). */
export const { go, redraw, onLeave, errorBox } = frame;

/** Shows or hides what only a signed-in driver has in the header (inbox, sign-out). */
export function setSignedIn(signedIn: boolean): void {
  document.body.classList.toggle('signed-out', !signedIn);
}

/** What went wrong, in the user's words. */
export function errorText(error: unknown): string {
  if (error instanceof OfflineError) return t('offline');
  // The phone's own credential or holder's copy did not read (held.ts, holder.ts).
  if (error instanceof LicenceError) return t('err_holderCopy');
  if (error instanceof ApiError) {
    if (error.code === 'ERR_VALIDATION') {
      return t('err_ERR_VALIDATION', {
        fields: invalidFields(error)
          .map(fieldWords)
          .join(i18n.lang() === 'zh' ? '；' : '; '),
      });
    }
    if (error.code === 'ERR_LICENCE_NOT_USABLE')
      return `${t('err_ERR_LICENCE_NOT_USABLE', { reason: reasonText(error.body.reason) })}${
        i18n.lang() === 'zh' ? '。' : '. '
      }${adviceText(error.body.reason)}`;
    return problemWords(i18n, error.code, error.body, 'errorGeneric');
  }
  return error instanceof Error ? error.message : String(error);
}

/** The fields an ERR_VALIDATION answer names, each once, in its order. */
function invalidFields(error: ApiError): string[] {
  const issues = Array.isArray(error.body.issues)
    ? (error.body.issues as { field?: unknown }[])
    : [];
  return [
    ...new Set(
      issues.flatMap((i) => (typeof i.field === 'string' && i.field !== '' ? [i.field] : [])),
    ),
  ];
}

/** A field's name, and what it expects where the app knows: 手机号（应为 11 位手机号码）. */
function fieldWords(field: string): string {
  const key = `field_${field}`;
  const name = i18n.has(key) ? t(key) : field;
  const hint = `fieldHint_${field}`;
  return i18n.has(hint) ? t('fieldWithHint', { field: name, hint: t(hint) }) : name;
}

/**
 * Marks the inputs of `form` an ERR_VALIDATION answer names (aria-invalid) and puts the cursor in
 * the first; any other error, or none, clears the marks.
 */
export function markInvalid(form: HTMLFormElement, error: unknown): void {
  const named =
    error instanceof ApiError && error.code === 'ERR_VALIDATION' ? invalidFields(error) : [];
  let first: HTMLInputElement | undefined;
  for (const input of form.querySelectorAll('input')) {
    if (named.includes(input.name)) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    } else input.removeAttribute('aria-invalid');
  }
  first?.focus();
}

/** A licence's unusable reason (from the service) in words. */
export function reasonText(reason: unknown): string {
  const key = `reason_${String(reason)}`;
  return i18n.has(key) ? t(key) : t('reason_not-normal');
}

/**
 * What the driver can do about a licence that may not have an e-licence now, and where (the
 * office, what to bring), by the reason the service gave; the advice for a status not normal
 * when the reason is not one the app knows. It ends with what follows once that is done: to
 * apply here, or, on a phone that holds the e-licence (`held`), that it can be shown again once
 * the app is opened online (the service then signs a new one by itself).
 */
export function adviceText(reason: unknown, held = false): string {
  const key = `advice_${String(reason)}`;
  const then = t(held ? 'adviceThenHeld' : 'adviceThenApply');
  return i18n.has(key) ? t(key, { then }) : t('advice_not-normal', { then });
}
