import { Collection, Condition, Filter, Store } from '@herald/persistence';
import { AuditDoc, ChainDoc, CheckpointDoc, docId } from './record';

/** What an export or a report may filter records by; `after` is the keyset cursor (a record `_id`). */
export interface ChainFilter {
  chain?: string;
  after?: string;
  from?: string;
  to?: string;
  alertId?: string;
  actor?: string;
  action?: string;
}

/** Store access of the audit chains: append-only records, the chain registry and signed checkpoints. */
export class ChainRepository {
  /** Store round trips made, for the benchmark. */
  roundTrips = 0;

  private constructor(
    private readonly records: Collection<AuditDoc>,
    private readonly ids: Collection<{ _id: string }>,
    private readonly chains: Collection<ChainDoc>,
    private readonly checkpoints: Collection<CheckpointDoc>,
  ) {}

  static async open(store: Store): Promise<ChainRepository> {
    const records = await store.collection<AuditDoc>({ name: 'audit_chain', indexes: [['entryId'], ['alertId', '_id'], ['at']] });
    const ids = await store.collection<{ _id: string }>({ name: 'audit_ids', indexes: [] });
    const chains = await store.collection<ChainDoc>({ name: 'audit_chains', indexes: [] });
    const checkpoints = await store.collection<CheckpointDoc>({ name: 'audit_checkpoints', indexes: [['chain', 'seq']] });
    return new ChainRepository(records, ids, chains, checkpoints);
  }

  async register(chain: ChainDoc): Promise<void> {
    this.roundTrips++;
    await this.chains.insertNew([chain]);
  }

  registeredChains(): Promise<ChainDoc[]> {
    return this.chains.find({}, { sort: [['_id', 1]] });
  }

  /** The last record of `chain`, or null while it is empty. */
  async head(chain: string): Promise<AuditDoc | null> {
    this.roundTrips++;
    const [doc] = await this.records.find({ _id: { $gt: `${chain}:`, $lt: `${chain};` } }, { sort: [['_id', -1]], limit: 1 });
    return doc ?? null;
  }

  /**
   * Records producer ids as seen; true when every one was new. Only a hint that lets the common case (fresh
   * entries) skip a lookup by `entryId`, which stores that cannot use that index for `$in` (FerretDB v1) answer by
   * scanning everything; whether an entry is really stored is always decided by `known`.
   */
  async markSeen(entryIds: string[]): Promise<boolean> {
    this.roundTrips++;
    return (await this.ids.insertNew(entryIds.map((_id) => ({ _id })))) === entryIds.length;
  }

  /** Ids among `entryIds` already stored (a redelivered message). */
  async known(entryIds: string[]): Promise<Set<string>> {
    if (!entryIds.length) return new Set();
    this.roundTrips++;
    const docs = await this.records.find({ entryId: { $in: entryIds } });
    return new Set(docs.map((d) => d.entryId));
  }

  /** Stores linked records (idempotent by `_id`); returns how many were new. */
  insert(docs: AuditDoc[]): Promise<number> {
    this.roundTrips++;
    return this.records.insertNew(docs);
  }

  /** One page of records in `_id` order (chain by chain, each in seq order), after the cursor, matching the filter. */
  page(f: ChainFilter, limit: number): Promise<AuditDoc[]> {
    this.roundTrips++;
    return this.records.find(toFilter(f), { sort: [['_id', 1]], limit });
  }

  /** Every record matching the filter, in `_id` order, one batch in memory at a time whatever the store holds. */
  async *scan(f: ChainFilter, batchSize = 1_000): AsyncGenerator<AuditDoc[]> {
    for await (const batch of this.records.stream(toFilter(f), batchSize)) {
      this.roundTrips++;
      yield batch;
    }
  }

  /** Deletes the records of `chain` up to and including `throughSeq` (retention only); returns how many. */
  deleteThrough(chain: string, throughSeq: number): Promise<number> {
    return this.records.deleteWhere({ _id: { $gt: `${chain}:`, $lte: docId(chain, throughSeq) } });
  }

  async saveCheckpoint(c: CheckpointDoc): Promise<void> {
    this.roundTrips++;
    await this.checkpoints.insertNew([c]);
  }

  /** Every checkpoint (one per AUDIT_CHECKPOINT_EVERY entries and per purge: few enough to hold). */
  allCheckpoints(): Promise<CheckpointDoc[]> {
    return this.checkpoints.find({}, { sort: [['chain', 1], ['seq', 1]] });
  }
}

function toFilter(f: ChainFilter): Filter<AuditDoc> {
  const id: Record<string, string> = {};
  const lower = f.chain ? `${f.chain}:` : '';
  id.$gt = f.after && f.after > lower ? f.after : lower;
  if (f.chain) id.$lt = `${f.chain};`;
  const filter: Partial<Record<keyof AuditDoc, Condition>> = { _id: id as Condition };
  if (f.from || f.to) filter.at = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) } as Condition;
  if (f.alertId) filter.alertId = f.alertId;
  if (f.actor) filter.actor = f.actor;
  if (f.action) filter.action = f.action;
  return filter as Filter<AuditDoc>;
}
