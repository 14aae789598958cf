/** Every text of the driver's app (messages.json), Chinese first, each with its English. */
import type { Catalogue } from '../../../shared/web/i18n.js';
import messages from './messages.json' with { type: 'json' };

/** A message key. */
export type MessageKey = keyof typeof messages;

/** The catalogue. */
export const MESSAGES: Catalogue<MessageKey> = messages;
