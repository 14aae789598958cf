/*
 * The console's frame: its state (who is signed in), the translator, the screens
 * (shared/web/screens.ts) and how a problem is said.
 */
import { ApiError } from '../common/api.js';
import { h } from '../../../shared/web/dom.js';
import { problemValues, translator } from '../../../shared/web/i18n.js';
import { screenFrame } from '../../../shared/web/screens.js';
import { ACTIONS, MESSAGES } from './messages.js';

export const i18n = translator(MESSAGES, 'lz-console-lang');
/** The message `key` in the current language. */
export const t = i18n.t;

/** What the console knows beyond the screen in view. */
export const state = { signedIn: false };

export const { go, redraw, onLeave } = screenFrame(problem);

/** The problems the console says in words of its own, by code. */
const PROBLEM_WORDS: Readonly<Record<string, 'signInFailed' | 'signInLocked' | 'rateLimited'>> = {
  ERR_SIGN_IN_FAILED: 'signInFailed',
  ERR_SIGN_IN_LOCKED: 'signInLocked',
  ERR_RATE_LIMITED: 'rateLimited',
};

/** A problem shown in place, in words. */
export function problem(error: unknown): HTMLElement {
  let text = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError) {
    const key = PROBLEM_WORDS[error.code];
    text = key === undefined ? t('error', { code: error.code }) : t(key, problemValues(error.body));
  }
  return h('p', { class: 'error', role: 'alert' }, text);
}

/** An audit action in words; an unknown one as recorded. */
export function actionWords(action: string): string {
  const words = ACTIONS[action];
  return words === undefined ? action : i18n.say(words);
}
