/**
 * Every text of the reviewers' console (messages.json), Chinese first, each with its English,
 * and the audit trail's actions in words.
 */
import type { Catalogue, Words } from '../../../shared/web/i18n.js';
import catalogue from './messages.json' with { type: 'json' };

/** A message key. */
export type MessageKey = keyof typeof catalogue.messages;

/** The catalogue. */
export const MESSAGES: Catalogue<MessageKey> = catalogue.messages;

/**
 * The reasons a reviewer picks from. The driver reads the reason in Chinese (the notice is in
 * Chinese), so the Chinese text is what is sent, whatever the console's language.
 */
export const REJECT_REASONS = [
  'reason1',
  'reason2',
  'reason3',
  'reason4',
  'reason5',
  'reason6',
  'reason7',
  'reason8',
] as const satisfies readonly MessageKey[];

/** The audit trail's actions in words; an unknown one is shown as recorded. */
export const ACTIONS: Readonly<Record<string, Words>> = catalogue.actions;
