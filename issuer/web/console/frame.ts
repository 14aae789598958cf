/*
 * The console's frame: its state (who is signed in), the translator, the screens
 * (shared/web/screens.ts) and how a problem is said.
 */
import { ApiError } from '../common/api.js';
import { h } from '../../../shared/web/dom.js';
import { translator } from '../../../shared/web/i18n.js';
import { problemWords } from '../../../shared/web/problem-words.js';
import { screenFrame } from '../../../shared/web/screens.js';
import { ACTIONS, MESSAGES } from './messages.js';

export const i18n = translator(MESSAGES, 'lz-console-lang');
/** The message `key` in the current language. */
export const t = i18n.t;

/** What the console knows beyond the screen in view. */
export const state = { signedIn: false };

export const { go, redraw, onLeave } = screenFrame(problem);

/** A problem shown in place, in words. */
export function problem(error: unknown): HTMLElement {
  // The code stays out of the words; support reads it from data-code.
  if (error instanceof ApiError)
    return h(
      'p',
      { class: 'error', role: 'alert', 'data-code': error.code },
      problemWords(i18n, error.code, error.body, 'error'),
    );
  const text = error instanceof Error ? error.message : String(error);
  return h('p', { class: 'error', role: 'alert' }, text);
}

/** An audit action in words; an unknown one as recorded. */
export function actionWords(action: string): string {
  const words = ACTIONS[action];
  return words === undefined ? action : i18n.say(words);
}
