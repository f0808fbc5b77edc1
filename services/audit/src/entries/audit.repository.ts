import { AuditEntry } from '@herald/contracts';
import { Collection, Store } from '@herald/persistence';

export type AuditDoc = Omit<AuditEntry, 'id'> & { _id: string };

/** Append-only audit entries: inserted once by id, never updated. */
export class AuditRepository {
  private constructor(private readonly entries: Collection<AuditDoc>) {}

  static async open(store: Store): Promise<AuditRepository> {
    return new AuditRepository(await store.collection<AuditDoc>({ name: 'audit_entries', indexes: [['alertId', 'at'], ['at']] }));
  }

  append(entries: AuditEntry[]): Promise<number> {
    return this.entries.insertNew(entries.map(({ id, ...rest }) => ({ _id: id, ...rest })));
  }

  async query(q: { alertId?: string; limit: number }): Promise<AuditEntry[]> {
    const docs = await this.entries.find(q.alertId ? { alertId: q.alertId } : {}, { sort: [['at', 1], ['_id', 1]], limit: q.limit });
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }
}
