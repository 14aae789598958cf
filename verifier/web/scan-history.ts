import type { AppNoticeCode } from './app-messages.js';
import type { Tone } from './decide-verdict.js';
import type { LocalStore } from './local-store.js';
import type { VerdictCode } from '../report.js';

/** Scans kept: enough for a shift at a checkpoint. */
export const MAX_HISTORY = 200;

/** One scan as the history keeps it: no name, no full licence number. */
export interface HistoryEntry {
  /** When (trusted time, ms). */
  readonly at: number;
  readonly tone: Tone;
  readonly code?: VerdictCode | AppNoticeCode;
  /** See maskLicenceNumber; absent when the code held no readable licence. */
  readonly masked?: string;
}

/** The recent scans on this device, newest first. */
export class ScanHistory {
  constructor(private readonly store: LocalStore) {}

  async list(): Promise<HistoryEntry[]> {
    return (await this.store.get<HistoryEntry[]>('history')) ?? [];
  }

  async add(entry: HistoryEntry): Promise<void> {
    const entries = await this.list();
    entries.unshift(entry);
    await this.store.set('history', entries.slice(0, MAX_HISTORY));
  }

  async clear(): Promise<void> {
    await this.store.delete('history');
  }
}
