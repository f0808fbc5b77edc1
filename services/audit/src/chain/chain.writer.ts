import { AuditEntry, GENESIS_HASH } from '@herald/contracts';
import { ChainRepository } from './chain.repository';
import { AuditDoc, checkpointMac, CheckpointDoc, docId, link } from './record';

interface Pending {
  entries: AuditEntry[];
  done: (appended: number) => void;
  fail: (err: unknown) => void;
}

export interface WriterOptions {
  /** This process's own chain (see newChainId): no other writer appends to it. */
  chain: string;
  signingKey: string;
  checkpointEvery: number;
  now: () => Date;
  /** Most entries linked and inserted in one store call. */
  batchSize?: number;
}

/**
 * Appends entries to this process's hash chain. Appends are queued and coalesced into batches (one insert per
 * batch), written one batch at a time, so the head is always known in memory. A redelivered entry (same
 * producer id, already stored by this or another replica) is skipped.
 */
export class ChainWriter {
  private readonly queue: Pending[] = [];
  private draining = false;
  private head: { seq: number; hash: string } | null = null;

  constructor(private readonly repo: ChainRepository, readonly opts: WriterOptions) {}

  /** Appends entries not yet stored (by producer id); resolves with how many were new. */
  append(entries: AuditEntry[]): Promise<number> {
    if (!entries.length) return Promise.resolve(0);
    return new Promise((done, fail) => {
      this.queue.push({ entries, done, fail });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length) {
        const batch = this.takeBatch();
        try {
          const appended = await this.write(batch.flatMap((p) => p.entries));
          batch.forEach((p) => p.done(p.entries.filter((e) => appended.delete(e.id)).length));
        } catch (err) {
          // The head is re-read from the store next time: a failed insert may have stored part of the batch.
          this.head = null;
          batch.forEach((p) => p.fail(err));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private takeBatch(): Pending[] {
    const max = this.opts.batchSize ?? 1_000;
    const batch: Pending[] = [this.queue.shift()!];
    let size = batch[0].entries.length;
    while (this.queue.length && size + this.queue[0].entries.length <= max) {
      size += this.queue[0].entries.length;
      batch.push(this.queue.shift()!);
    }
    return batch;
  }

  /** Links and stores the entries of `all` not stored yet; returns their producer ids. */
  private async write(all: AuditEntry[]): Promise<Set<string>> {
    const seen = new Set<string>();
    const unique = all.filter((e) => !seen.has(e.id) && !!seen.add(e.id));
    // Ids seen for the first time need no lookup; otherwise (a redelivery, or a retry after a failed insert) the
    // records themselves decide.
    const known = (await this.repo.markSeen([...seen])) ? new Set<string>() : await this.repo.known([...seen]);
    const todo = unique.filter((e) => !known.has(e.id));
    for (const id of known) seen.delete(id);
    if (!todo.length) return new Set();
    const head = (this.head ??= await this.readHead());
    const docs = link(this.opts.chain, head, todo);
    await this.repo.insert(docs);
    this.head = docs[docs.length - 1];
    for (const d of docs) if (d.seq % this.opts.checkpointEvery === 0) await this.sign(d, 'periodic');
    return seen;
  }

  private async readHead(): Promise<{ seq: number; hash: string }> {
    const doc = await this.repo.head(this.opts.chain);
    if (!doc) await this.repo.register({ _id: this.opts.chain, openedAt: this.opts.now().toISOString() });
    return doc ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Stores a signed checkpoint of `record` (periodic, or left by a purge). */
  sign(record: Pick<AuditDoc, 'chain' | 'seq' | 'hash'>, kind: CheckpointDoc['kind']): Promise<void> {
    return signCheckpoint(this.repo, this.opts.signingKey, record, kind, this.opts.now());
  }
}

/** Stores a checkpoint of `record` signed with the audit signing key (HMAC-SHA256). */
export async function signCheckpoint(repo: ChainRepository, key: string, record: Pick<AuditDoc, 'chain' | 'seq' | 'hash'>, kind: CheckpointDoc['kind'], now: Date): Promise<void> {
  const body = { chain: record.chain, seq: record.seq, hash: record.hash, at: now.toISOString(), kind };
  await repo.saveCheckpoint({ _id: `${docId(record.chain, record.seq)}:${kind}`, ...body, mac: checkpointMac(key, body) });
}
