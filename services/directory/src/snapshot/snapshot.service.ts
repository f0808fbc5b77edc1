import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { UnavailableError } from '@herald/contracts';
import { Infra, INFRA } from '@herald/runtime';
import { counter, gauge, JsonLogger } from '@herald/observability';
import { DirectoryExport } from '@herald/directory-source';
import { DirectorySnapshot } from './directory-snapshot';
import { mergeChanges } from './merge-changes';
import { SnapshotRepository } from './snapshot.repository';

export interface SyncStatus {
  syncedAt: string | null;
  /** `stored`: restored from the store at start because the directory was unreachable. */
  kind: 'full' | 'incremental' | 'stored' | null;
  marker: string | null;
  durationMs: number | null;
  counts: { users: number; groups: number; ous: number } | null;
  lastError: { at: string; message: string } | null;
}

const syncs = counter('herald_directory_syncs_total', 'Directory syncs by kind (full, incremental) and outcome (ok, failed)', ['kind', 'outcome']);
const entries = gauge('herald_directory_snapshot_entries', 'Entries in the directory snapshot being served', ['type']);
const lastSync = gauge('herald_directory_last_sync_timestamp_seconds', 'When the snapshot being served was read (alert when it gets old)');

/** Retry sooner while there is no snapshot at all (directory down at start). */
const RETRY_WITHOUT_SNAPSHOT_MS = 10_000;

/**
 * Keeps the directory snapshot: a full read at start and every DIRECTORY_SYNC_INTERVAL_SECONDS (which also drops
 * deleted entries), and between them an incremental read of what changed every DIRECTORY_INCREMENTAL_SYNC_SECONDS.
 * A failed sync keeps the last good snapshot serving (and is logged and reported in status); only a service that
 * never had one answers 503. Syncs are single-flight: concurrent callers share the one in progress.
 */
@Injectable()
export class SnapshotService implements OnModuleInit, OnModuleDestroy {
  private snapshot: DirectorySnapshot | null = null;
  private inFlight: Promise<DirectorySnapshot | null> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly log: JsonLogger;
  private status: SyncStatus = { syncedAt: null, kind: null, marker: null, durationMs: null, counts: null, lastError: null };
  /** What the current snapshot was built from: incremental changes are merged into it. */
  private data: DirectoryExport | null = null;
  private lastFull = 0;

  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly stored: SnapshotRepository) {
    this.log = infra.logger('directory');
  }

  async onModuleInit(): Promise<void> {
    if (!(await this.sync())) await this.restore();
    this.schedule();
  }

  /** Directory down at start: serve the last snapshot a replica stored, until a sync succeeds. */
  private async restore(): Promise<void> {
    const saved = await this.stored.load().catch((err: Error) => (this.log.write('error', 'could not read the stored snapshot', { error: err.message }), null));
    if (!saved) return;
    this.snapshot = new DirectorySnapshot(saved.data, saved.syncedAt);
    this.data = saved.data;
    this.status = { ...this.status, syncedAt: saved.syncedAt.toISOString(), kind: 'stored', marker: saved.data.marker || null, counts: this.snapshot.counts };
    this.log.write('warn', 'directory unreachable at start: serving the stored snapshot', { syncedAt: this.status.syncedAt, ...this.snapshot.counts });
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The current snapshot; 503 when no sync has ever succeeded. */
  current(): DirectorySnapshot {
    if (!this.snapshot) throw new UnavailableError(`the directory has not been read yet${this.status.lastError ? `: ${this.status.lastError.message}` : ''}`);
    return this.snapshot;
  }

  syncStatus(): SyncStatus {
    return this.status;
  }

  /** Reads the whole directory into a new snapshot; on failure the previous one stays. Resolves to the snapshot in use. */
  sync(): Promise<DirectorySnapshot | null> {
    this.inFlight ??= this.run('full').finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /** Reads only what changed since the last sync (a full sync if there is no snapshot yet). */
  syncChanges(): Promise<DirectorySnapshot | null> {
    this.inFlight ??= this.run(this.data ? 'incremental' : 'full').finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async run(kind: 'full' | 'incremental'): Promise<DirectorySnapshot | null> {
    const started = Date.now();
    try {
      const dir = this.infra.directory();
      const data = kind === 'full' || !this.data ? await dir.exportAll() : mergeChanges(this.data, await dir.changesSince(this.data.marker));
      this.snapshot = new DirectorySnapshot(data, this.infra.clock.now());
      this.data = data;
      if (kind === 'full') {
        this.lastFull = Date.now();
        // kept for replicas that start while the directory is down; a failure here must not fail the sync
        await this.stored.save(data, this.snapshot.syncedAt).catch((err: Error) => this.log.write('error', 'could not store the snapshot', { error: err.message }));
      }
      this.status = { syncedAt: this.snapshot.syncedAt.toISOString(), kind, marker: data.marker || null, durationMs: Date.now() - started, counts: this.snapshot.counts, lastError: null };
      this.log.write('info', 'directory synced', { kind, ...this.snapshot.counts, durationMs: this.status.durationMs });
      syncs.inc({ kind, outcome: 'ok' });
      for (const [type, n] of Object.entries(this.snapshot.counts)) entries.set({ type }, n);
      lastSync.set(this.snapshot.syncedAt.getTime() / 1000);
    } catch (err) {
      syncs.inc({ kind, outcome: 'failed' });
      this.status = { ...this.status, lastError: { at: this.infra.clock.now().toISOString(), message: (err as Error).message } };
      this.log.write('error', 'directory sync failed; the last good snapshot keeps serving', { error: (err as Error).message, hasSnapshot: !!this.snapshot });
    }
    return this.snapshot;
  }

  /** One timer: each tick runs a full sync when one is due, an incremental one otherwise. */
  private schedule(): void {
    const env = this.infra.env;
    const full = env.DIRECTORY_SYNC_INTERVAL_SECONDS * 1000;
    const tick = Math.min(full, env.DIRECTORY_INCREMENTAL_SYNC_SECONDS ? env.DIRECTORY_INCREMENTAL_SYNC_SECONDS * 1000 : full);
    const ms = this.snapshot ? tick : Math.min(RETRY_WITHOUT_SNAPSHOT_MS, tick);
    this.timer = setTimeout(() => {
      const due = !this.data || Date.now() - this.lastFull >= full;
      void (due ? this.sync() : this.syncChanges()).then(() => this.timer && this.schedule());
    }, ms);
    this.timer.unref();
  }
}
