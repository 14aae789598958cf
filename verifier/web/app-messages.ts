/*
 * The app's own words (messages.json), Chinese first. The verdicts and check results are the
 * core's (verifier/internal/messages.ts) and are not repeated here; these are the labels around
 * them and the remarks that only this app makes (data age, clock, portrait).
 */
import type { Catalogue, Words } from '../../shared/web/i18n.js';
import type { CheckId } from '../report.js';
import messages from './messages.json' with { type: 'json' };

/** Remarks of this app's own policy, each with a stable code. */
export const APP_NOTICES: Catalogue<keyof typeof messages.notices> = messages.notices;

/** The code of one of this app's remarks. */
export type AppNoticeCode = keyof typeof APP_NOTICES;

/** A label of the screen. */
export type UiKey = keyof typeof messages.ui;

/** Labels of the screen. */
export const UI: Catalogue<UiKey> = messages.ui;

/**
 * The licence fields in the order of the paper card (docs/DOMAIN.md §2.1). `status` is the status
 * the credential was signed with; the live one is the status list's (the verdict).
 */
export const FIELD_LABELS: Catalogue<keyof typeof messages.fields> = messages.fields;

/** 性别 as printed. */
export const SEX: Readonly<Record<string, Words>> = messages.sex;

/** Each check by name, for a line that says why it was not run (a field not shown). */
export const CHECK_NAMES: Readonly<Record<CheckId, Words>> = messages.checkNames;
