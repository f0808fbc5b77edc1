import { AlertContent, ClientAlert, deliveryId, DeliveryState, DeliveryView, EscalationRecord, Receipt, RecipientResponse, stateRank, TERMINAL_RANK, TerminalState } from '@herald/contracts';
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
  state: DeliveryState;
  rank: number;
  validUntil: string;
  targetedAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  displayedAt: string | null;
  acknowledgedAt: string | null;
  expiredAt: string | null;
  recalledAt: string | null;
  respondedAt?: string | null;
  response?: RecipientResponse | null;
  reminders: number;
  lastRemindedAt: string | null;
  /** Client of the recipient's last receipt (absent on records written before it was kept). */
  client?: string | null;
  /** A snoozed delivery stays out of the pending set until then. */
  snoozedUntil?: string | null;
  /** When the recipient was escalated (claimed for it); null/absent until then. One escalation per delivery, ever. */
  escalatedAt?: string | null;
  escalation?: EscalationRecord | null;
  /** Held back by the recipient's do-not-disturb until then (see do-not-disturb/). */
  heldUntil?: string | null;
}

/** An alert that was recalled: later dispatches of it (a firing already in flight) target nobody. */
interface RecallDoc {
  _id: string;
  at: string;
  by: string;
}

/** What a recipient's client receives for an occurrence. */
export const toClientAlert = (o: OccurrenceDoc): ClientAlert => ({
  occurrenceId: o._id,
  alertId: o.alertId,
  title: o.title,
  body: o.body,
  severity: o.severity,
  presentation: o.presentation ?? 'popup',
  ...(o.responses ? { responses: o.responses } : {}),
  sentAt: o.sentAt,
  validUntil: o.validUntil,
});

const DISPLAYED = stateRank('displayed');
/** Below it, a recipient still owes the alert something: an acknowledgement, or (emergency) an answer. */
export const ACKNOWLEDGED = stateRank('acknowledged');

/** Occurrences and per-recipient deliveries. Every write is idempotent (deterministic ids, forward-only states). */
export class DeliveryRepository {
  private constructor(private readonly occurrences: Collection<OccurrenceDoc>, private readonly deliveries: Collection<DeliveryDoc>, private readonly recalls: Collection<RecallDoc>) {}

  static async open(store: Store): Promise<DeliveryRepository> {
    return new DeliveryRepository(
      await store.collection<OccurrenceDoc>({ name: 'occurrences', indexes: [['alertId']] }),
      await store.collection<DeliveryDoc>({ name: 'deliveries', indexes: [['userId', 'rank', 'validUntil'], ['alertId'], ['occurrenceId', 'rank']] }),
      await store.collection<RecallDoc>({ name: 'recalls', indexes: [] }),
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
        expiredAt: null,
        recalledAt: null,
        respondedAt: null,
        response: null,
        reminders: 0,
        lastRemindedAt: null,
      })),
    );
  }

  /** The occurrences these ids name, by id (to check answers against their options). */
  async occurrencesById(ids: string[]): Promise<Map<string, OccurrenceDoc>> {
    return new Map((await this.occurrences.find({ _id: { $in: [...new Set(ids)] } })).map((o) => [o._id, o]));
  }

  /** Which of these occurrences already have a delivery for the user. */
  async deliveredOccurrences(occurrenceIds: string[], userId: string): Promise<Set<string>> {
    if (!occurrenceIds.length) return new Set();
    return new Set((await this.deliveries.find({ _id: { $in: occurrenceIds.map((o) => deliveryId(o, userId)) } })).map((d) => d.occurrenceId));
  }

  getDelivery(occurrenceId: string, userId: string): Promise<DeliveryDoc | null> {
    return this.deliveries.findOne({ _id: deliveryId(occurrenceId, userId) });
  }

  /** Keeps an open delivery out of the pending set until `until`; false when it was acknowledged meanwhile. */
  async snooze(occurrenceId: string, userId: string, until: string): Promise<boolean> {
    return (await this.deliveries.updateWhere([{ filter: { _id: deliveryId(occurrenceId, userId), rank: { $lt: ACKNOWLEDGED } }, set: { snoozedUntil: until } }])) === 1;
  }

  /**
   * Marks deliveries as held back until `until` (do-not-disturb). Filtered on `_id` alone: FerretDB v1 uses its
   * index only for that (one extra condition made it a scan, 0.5 s per recipient at 2,000 deliveries), and the
   * callers hold only open deliveries.
   */
  markHeld(occurrenceId: string, userIds: string[], until: string): Promise<number> {
    return this.deliveries.updateWhere(userIds.map((u) => ({ filter: { _id: deliveryId(occurrenceId, u) }, set: { heldUntil: until } })));
  }

  /** Moves a recipient's deliveries held past `now` to a new end (their do-not-disturb changed). */
  moveHeld(userId: string, now: string, until: string): Promise<number> {
    return this.deliveries.updateWhere([{ filter: { userId, heldUntil: { $gt: now } }, set: { heldUntil: until } }]);
  }

  /** Of these recipients of an occurrence, those it may still be shown to: not acknowledged, not ended, not snoozed. */
  async showable(occurrenceId: string, userIds: string[], now: string): Promise<string[]> {
    const docs = await this.deliveries.find({ _id: { $in: userIds.map((u) => deliveryId(occurrenceId, u)) }, rank: { $lt: ACKNOWLEDGED } });
    return docs.filter((d) => d.validUntil > now && !(d.snoozedUntil && d.snoozedUntil > now)).map((d) => d.userId);
  }

  getOccurrence(id: string): Promise<OccurrenceDoc | null> {
    return this.occurrences.findOne({ _id: id });
  }

  occurrencesOf(alertId: string): Promise<OccurrenceDoc[]> {
    return this.occurrences.find({ alertId });
  }

  /** Remembers that an alert was recalled; true the first time. */
  async markRecalled(alertId: string, at: string, by: string): Promise<boolean> {
    return (await this.recalls.insertNew([{ _id: alertId, at, by }])) === 1;
  }

  async isRecalled(alertId: string): Promise<boolean> {
    return (await this.recalls.count({ _id: alertId })) > 0;
  }

  /**
   * Moves deliveries to a terminal state: on recall every one not acknowledged, on expiry every one not yet
   * displayed. Conditional on rank, so an acknowledged delivery stays acknowledged and a redelivery changes nothing.
   */
  async terminate(filter: { alertId: string } | { occurrenceId: string }, state: TerminalState, at: string): Promise<number> {
    const below = state === 'recalled' ? ACKNOWLEDGED : DISPLAYED;
    return this.deliveries.updateWhere([{ filter: { ...filter, rank: { $lt: below } }, set: { state, rank: TERMINAL_RANK, [`${state}At`]: at } }]);
  }

  /** Recipients of an occurrence whose screen may still show it (not acknowledged), for a recall push. */
  async openRecipients(occurrenceId: string): Promise<string[]> {
    return (await this.deliveries.find({ occurrenceId, rank: { $ne: ACKNOWLEDGED } })).map((d) => d.userId);
  }

  /** Recipients who still owe an acknowledgement and have not had reminder `n` yet. */
  async dueForReminder(occurrenceId: string, n: number): Promise<string[]> {
    return (await this.deliveries.find({ occurrenceId, rank: { $lt: ACKNOWLEDGED }, reminders: { $lt: n } })).map((d) => d.userId);
  }

  /** Records reminder `n` on these deliveries (only forward, so a redelivered reminder counts once). */
  markReminded(occurrenceId: string, userIds: string[], n: number, at: string): Promise<number> {
    return this.deliveries.updateWhere(userIds.map((u) => ({ filter: { _id: deliveryId(occurrenceId, u), reminders: { $lt: n } }, set: { reminders: n, lastRemindedAt: at } })));
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
      // An answer implies the acknowledgement; the first answer is the one recorded.
      if (r.state === 'responded') updates.push({ filter: { _id, acknowledgedAt: null }, set: { acknowledgedAt: r.at } });
      updates.push({ filter: { _id, [at]: null }, set: { [at]: r.at, ...(r.response ? { response: r.response } : {}) } });
      updates.push({ filter: { _id, rank: { $lt: stateRank(r.state) } }, set: { state: r.state, rank: stateRank(r.state) } });
      // `sent` comes from the gateway itself; the recipient's own receipts name the client it uses.
      if (r.state !== 'sent' && r.client) updates.push({ filter: { _id }, set: { client: r.client } });
    }
    return this.deliveries.updateWhere(updates);
  }

  async listByAlert(alertId: string): Promise<DeliveryView[]> {
    const docs = await this.deliveries.find({ alertId }, { sort: [['userId', 1]] });
    return docs.map((d) => ({
      userId: d.userId,
      occurrenceId: d.occurrenceId,
      state: d.state,
      targetedAt: d.targetedAt,
      sentAt: d.sentAt,
      deliveredAt: d.deliveredAt,
      displayedAt: d.displayedAt,
      acknowledgedAt: d.acknowledgedAt,
      expiredAt: d.expiredAt ?? null,
      recalledAt: d.recalledAt ?? null,
      respondedAt: d.respondedAt ?? null,
      response: d.response ?? null,
      reminders: d.reminders ?? 0,
      lastRemindedAt: d.lastRemindedAt ?? null,
      client: d.client ?? null,
      escalation: d.escalation ?? null,
      heldUntil: d.heldUntil ?? null,
    }));
  }

  /** Alerts still valid at `now` that this user has not acknowledged, oldest first. */
  async pendingFor(userId: string, now: string): Promise<ClientAlert[]> {
    const open = await this.deliveries.find({ userId, rank: { $lt: ACKNOWLEDGED }, validUntil: { $gt: now } }, { sort: [['targetedAt', 1]], limit: 500 });
    if (!open.length) return [];
    const occ = new Map((await this.occurrences.find({ _id: { $in: open.map((d) => d.occurrenceId) } })).map((o) => [o._id, o]));
    return open.flatMap((d) => {
      if (d.snoozedUntil && d.snoozedUntil > now) return [];
      const o = occ.get(d.occurrenceId);
      return o ? [toClientAlert(o)] : [];
    });
  }
}
