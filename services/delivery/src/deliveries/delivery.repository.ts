import { AlertContent, ClientAlert, deliveryId, DeliveryView, ProgressState, Receipt, stateRank } from '@herald/contracts';
import { Collection, ConditionalUpdate, Store } from '@herald/persistence';

export interface OccurrenceDoc extends AlertContent {
  _id: string;
  alertId: string;
  sentAt: string;
  validUntil: string;
  recipients: number;
}

export interface DeliveryDoc {
  _id: string;
  occurrenceId: string;
  alertId: string;
  userId: string;
  state: ProgressState;
  rank: number;
  validUntil: string;
  targetedAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  displayedAt: string | null;
  acknowledgedAt: string | null;
}

const ACKNOWLEDGED = stateRank('acknowledged');

/** Occurrences and per-recipient deliveries. Every write is idempotent (deterministic ids, forward-only states). */
export class DeliveryRepository {
  private constructor(private readonly occurrences: Collection<OccurrenceDoc>, private readonly deliveries: Collection<DeliveryDoc>) {}

  static async open(store: Store): Promise<DeliveryRepository> {
    return new DeliveryRepository(
      await store.collection<OccurrenceDoc>({ name: 'occurrences', indexes: [['alertId']] }),
      await store.collection<DeliveryDoc>({ name: 'deliveries', indexes: [['userId', 'rank', 'validUntil'], ['alertId'], ['occurrenceId']] }),
    );
  }

  async saveOccurrence(o: OccurrenceDoc): Promise<void> {
    await this.occurrences.insertNew([o]);
  }

  /** Creates `targeted` records for recipients that have none yet; returns how many were new. */
  target(o: OccurrenceDoc, userIds: string[], at: string): Promise<number> {
    return this.deliveries.insertNew(
      userIds.map((userId) => ({
        _id: deliveryId(o._id, userId),
        occurrenceId: o._id,
        alertId: o.alertId,
        userId,
        state: 'targeted',
        rank: 0,
        validUntil: o.validUntil,
        targetedAt: at,
        sentAt: null,
        deliveredAt: null,
        displayedAt: null,
        acknowledgedAt: null,
      })),
    );
  }

  /** The receipts that concern a delivery that exists (others are ignored: stale or forged occurrence ids). */
  async known(receipts: Receipt[]): Promise<Receipt[]> {
    const ids = [...new Set(receipts.map((r) => deliveryId(r.occurrenceId, r.userId)))];
    const found = new Set((await this.deliveries.find({ _id: { $in: ids } })).map((d) => d._id));
    return receipts.filter((r) => found.has(deliveryId(r.occurrenceId, r.userId)));
  }

  /** Applies receipts: each state's first timestamp is kept, and the state only moves forward. */
  async applyReceipts(receipts: Receipt[]): Promise<number> {
    const updates: ConditionalUpdate<DeliveryDoc>[] = [];
    for (const r of receipts) {
      const _id = deliveryId(r.occurrenceId, r.userId);
      const at = `${r.state}At` as const;
      updates.push({ filter: { _id, [at]: null }, set: { [at]: r.at } });
      updates.push({ filter: { _id, rank: { $lt: stateRank(r.state) } }, set: { state: r.state, rank: stateRank(r.state) } });
    }
    return this.deliveries.updateWhere(updates);
  }

  async listByAlert(alertId: string): Promise<DeliveryView[]> {
    const docs = await this.deliveries.find({ alertId }, { sort: [['userId', 1]] });
    return docs.map(({ userId, occurrenceId, state, targetedAt, sentAt, deliveredAt, displayedAt, acknowledgedAt }) => ({ userId, occurrenceId, state, targetedAt, sentAt, deliveredAt, displayedAt, acknowledgedAt }));
  }

  /** Alerts still valid at `now` that this user has not acknowledged, oldest first. */
  async pendingFor(userId: string, now: string): Promise<ClientAlert[]> {
    const open = await this.deliveries.find({ userId, rank: { $lt: ACKNOWLEDGED }, validUntil: { $gt: now } }, { sort: [['targetedAt', 1]], limit: 500 });
    if (!open.length) return [];
    const occ = new Map((await this.occurrences.find({ _id: { $in: open.map((d) => d.occurrenceId) } })).map((o) => [o._id, o]));
    return open.flatMap((d) => {
      const o = occ.get(d.occurrenceId);
      return o ? [{ occurrenceId: o._id, alertId: o.alertId, title: o.title, body: o.body, severity: o.severity, presentation: o.presentation ?? 'popup', sentAt: o.sentAt, validUntil: o.validUntil }] : [];
    });
  }
}
