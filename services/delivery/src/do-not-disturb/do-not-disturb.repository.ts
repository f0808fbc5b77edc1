import { QuietHours } from '@herald/contracts';
import { Collection, Store } from '@herald/persistence';

/** A recipient's settings; the id is the user id. A recipient without settings has no document. */
export interface DoNotDisturbDoc {
  _id: string;
  quietHours: QuietHours | null;
  until: string | null;
  updatedAt: string;
}

/** A delivery held back by do-not-disturb until `until`; the id is the delivery id. Deleted when released. */
export interface HoldDoc {
  _id: string;
  userId: string;
  occurrenceId: string;
  alertId: string;
  until: string;
}

/**
 * Do-not-disturb settings and held deliveries. Both collections stay small (recipients who set quiet hours;
 * deliveries held right now), which matters on FerretDB v1, where only `_id` lookups use an index.
 */
export class DoNotDisturbRepository {
  private constructor(private readonly settings: Collection<DoNotDisturbDoc>, private readonly holds: Collection<HoldDoc>) {}

  static async open(store: Store): Promise<DoNotDisturbRepository> {
    return new DoNotDisturbRepository(await store.collection<DoNotDisturbDoc>({ name: 'do_not_disturb', indexes: [] }), await store.collection<HoldDoc>({ name: 'holds', indexes: [['until'], ['userId']] }));
  }

  get(userId: string): Promise<DoNotDisturbDoc | null> {
    return this.settings.findOne({ _id: userId });
  }

  /** Writes a recipient's settings (insert, or replace the fields of the existing document). */
  async save(doc: DoNotDisturbDoc): Promise<void> {
    if (await this.settings.insertNew([doc])) return;
    await this.settings.updateWhere([{ filter: { _id: doc._id }, set: { quietHours: doc.quietHours, until: doc.until, updatedAt: doc.updatedAt } }]);
  }

  async clear(userId: string): Promise<void> {
    await this.settings.deleteWhere({ _id: userId });
  }

  /** Every recipient's settings, a batch at a time. */
  all(batch = 1_000): AsyncIterable<DoNotDisturbDoc[]> {
    return this.settings.stream({}, batch);
  }

  async hold(holds: HoldDoc[]): Promise<void> {
    if (holds.length) await this.holds.insertNew(holds);
  }

  /** Moves every hold of a recipient to a new end (their settings changed). */
  moveAll(userId: string, until: string): Promise<number> {
    return this.holds.updateWhere([{ filter: { userId }, set: { until } }]);
  }

  /** Moves one hold, unless it changed since it was read. */
  async move(h: HoldDoc, until: string): Promise<boolean> {
    return (await this.holds.updateWhere([{ filter: { _id: h._id, until: h.until }, set: { until } }])) === 1;
  }

  due(now: string, limit: number): Promise<HoldDoc[]> {
    return this.holds.find({ until: { $lte: now } }, { sort: [['until', 1]], limit });
  }

  /** Takes a due hold for release: true for exactly one caller (replicas race on the delete). */
  async take(h: HoldDoc): Promise<boolean> {
    return (await this.holds.deleteWhere({ _id: h._id, until: h.until })) === 1;
  }
}
