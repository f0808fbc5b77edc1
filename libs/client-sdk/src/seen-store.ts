import type { ClientAlert } from '@herald/contracts';
import { KeyValueStorage, readJson } from './storage';

/** What this client did with an occurrence. Only moves forward, except `recalled`, which wins over everything. */
export type LocalState = 'received' | 'displayed' | 'acknowledged' | 'recalled';
const RANK: Record<LocalState, number> = { received: 0, displayed: 1, acknowledged: 2, recalled: 3 };

export interface SeenEntry {
  occurrenceId: string;
  state: LocalState;
  at: string;
  /** Kept for the newest entries only, so the inbox survives a reload without the store growing without bound. */
  alert?: ClientAlert;
}

const KEY = 'herald.seen.v1';

/**
 * The persisted seen-set: which occurrences this client already received, and how far it got with each. This is
 * what makes "never show an alert twice" hold across reconnects, reloads and gateway changes: the server resends
 * everything not yet acknowledged on every connect, and this store tells a resend from a new alert.
 */
export class SeenStore {
  private entries: SeenEntry[];

  constructor(private readonly storage: KeyValueStorage, private readonly maxEntries = 1_000, private readonly maxAlerts = 50) {
    const loaded = readJson<unknown>(storage, KEY, []);
    this.entries = Array.isArray(loaded) ? (loaded as SeenEntry[]).filter((e) => e && typeof e.occurrenceId === 'string' && e.state in RANK) : [];
  }

  get(occurrenceId: string): SeenEntry | undefined {
    return this.entries.find((e) => e.occurrenceId === occurrenceId);
  }

  /** Records a state; returns false when the entry was already at or past it (nothing changed). */
  mark(occurrenceId: string, state: LocalState, at: string, alert?: ClientAlert): boolean {
    const existing = this.get(occurrenceId);
    if (existing && RANK[existing.state] >= RANK[state]) return false;
    if (existing) {
      existing.state = state;
      existing.at = at;
      if (alert) existing.alert = alert;
    } else {
      this.entries.push({ occurrenceId, state, at, alert });
    }
    this.save();
    return true;
  }

  /** Newest first, with the alert content where it is still kept. */
  recent(): SeenEntry[] {
    return this.entries.filter((e) => e.alert).reverse();
  }

  private save(): void {
    if (this.entries.length > this.maxEntries) this.entries = this.entries.slice(-this.maxEntries);
    const withAlert = this.entries.filter((e) => e.alert).length;
    let drop = withAlert - this.maxAlerts;
    for (const e of this.entries) {
      if (drop <= 0) break;
      if (e.alert) {
        delete e.alert;
        drop--;
      }
    }
    this.storage.setItem(KEY, JSON.stringify(this.entries));
  }
}
