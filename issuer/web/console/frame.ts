/*
 * The console's frame: its state (who is signed in, the section in view), the translator, the
 * screens (shared/web/screens.ts) and how a problem is said.
 */
import { ApiError, OfflineError } from '../common/api.js';
import { h } from '../../../shared/web/dom.js';
import { translator } from '../../../shared/web/i18n.js';
import { problemWords } from '../../../shared/web/problem-words.js';
import { screenFrame } from '../../../shared/web/screens.js';
import { actionWords as actionInWords } from './audit-words.js';
import { MESSAGES } from './messages.js';

export const i18n = translator(MESSAGES, 'lz-console-lang');
/** The message `key` in the current language. */
export const t = i18n.t;

/** The parts of the console: the review queue, and the admin's sections. */
export const SECTIONS = [
  'queue',
  'licences',
  'staff',
  'devices',
  'import',
  'keys',
  'audit',
] as const;
export type Section = (typeof SECTIONS)[number];

/** What the console knows beyond the screen in view. */
export const state: {
  signedIn: boolean;
  role: 'reviewer' | 'admin' | undefined;
  /** The signed-in member of staff's id (an admin's own account is not managed from here). */
  staffId: number | undefined;
  section: Section;
  /** Usernames by staff id, for saying who acted (an admin's screens load them). */
  staffNames: ReadonlyMap<number, string>;
} = {
  signedIn: false,
  role: undefined,
  staffId: undefined,
  section: 'queue',
  staffNames: new Map(),
};

/**
 * problem: an error shown in place, in words; one under a form (in a status line) is shown again
 * in the other language when the screen is drawn again.
 */
export const { go, redraw, onLeave, errorBox: problem } = screenFrame(problemBox);

let sectionShown: (section: Section) => void = () => undefined;

/** What screens keep between visits (a search, a filter): forgotten when staff sign out. */
const kept: (() => void)[] = [];

/** Registers `forget`, which drops what a screen keeps between visits, at sign-out. */
export function keptUntilSignOut(forget: () => void): void {
  kept.push(forget);
}

/** Forgets everything the screens kept and who was signed in: the next one starts clean. */
export function forgetSession(): void {
  for (const forget of kept) forget();
  state.staffNames = new Map();
  state.staffId = undefined;
}

/** Calls `listener` whenever a screen says which section it belongs to (the admin's nav). */
export function onSection(listener: (section: Section) => void): void {
  sectionShown = listener;
}

/** Marks the section the screen in view belongs to. */
export function inSection(section: Section): void {
  state.section = section;
  sectionShown(section);
}

/** A problem shown in place, in words. */
function problemBox(error: unknown): HTMLElement {
  // The code stays out of the words; support reads it from data-code.
  if (error instanceof ApiError)
    return h(
      'p',
      { class: 'error', role: 'alert', 'data-code': error.code },
      problemWords(i18n, error.code, error.body, 'error'),
    );
  if (error instanceof OfflineError)
    return h('p', { class: 'error', role: 'alert', 'data-code': 'offline' }, t('offline'));
  const text = error instanceof Error ? error.message : String(error);
  return h('p', { class: 'error', role: 'alert' }, text);
}

/** An audit action in words; an unknown one as recorded. */
export function actionWords(action: string): string {
  return actionInWords(i18n, action);
}
