import type { AppNoticeCode } from './app-messages.js';
import type { Tone } from './decide-verdict.js';
import type { LocalStore } from './local-store.js';
import type { VerdictCode } from '../report.js';
import type { Purpose } from '../../shared/sd/groups.js';

/** Scans kept: enough for a shift at a checkpoint. */
export const MAX_HISTORY = 200;

/** One scan as the history keeps it: no name, no full licence number, nothing not shown. */
export interface HistoryEntry {
  /** When (trusted time, ms). */
  readonly at: number;
  readonly tone: Tone;
  readonly code?: VerdictCode | AppNoticeCode;
  /** Who the code was made for; absent when the code could not be read that far. */
  readonly purpose?: Purpose;
  /** See maskLicenceNumber; absent when the code held no readable licence or withheld the number. */
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
