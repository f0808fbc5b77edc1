import { deliveryId, EscalationRecord } from '@herald/contracts';
import { Collection, Store } from '@herald/persistence';
import { ACKNOWLEDGED, DeliveryDoc } from '../deliveries/delivery.repository';

/** A manager's digest as sent (or not) for one occurrence. */
export interface DigestRecord {
  managerId: string;
  to: string | null;
  reports: string[];
  state: 'sent' | 'failed';
  attempts: number;
  error?: string;
}

/**
 * One escalation run per occurrence (`_id` = occurrence id): whichever delivery replica inserts it first runs it;
 * a redelivered or duplicated message finds it and sends nothing. The holder renews its lease while it works; a
 * run whose lease lapsed (its holder died) is taken over by the next message for it.
 */
export interface EscalationRunDoc {
  _id: string;
  alertId: string;
  state: 'running' | 'done';
  owner: string;
  startedAt: string;
  leaseUntil: string;
  finishedAt: string | null;
  escalated: number;
  failed: number;
  digests: DigestRecord[];
}

/** Escalation state: runs per occurrence, and the escalation record of each delivery. */
export class EscalationRepository {
  private constructor(private readonly runs: Collection<EscalationRunDoc>, private readonly deliveries: Collection<DeliveryDoc>) {}

  static async open(store: Store): Promise<EscalationRepository> {
    return new EscalationRepository(
      await store.collection<EscalationRunDoc>({ name: 'escalation_runs', indexes: [] }),
      // The delivery repository's collection (same name and indexes): escalation writes only its own fields.
      await store.collection<DeliveryDoc>({ name: 'deliveries', indexes: [['userId', 'rank', 'validUntil'], ['alertId'], ['occurrenceId', 'rank']] }),
    );
  }

  /**
   * Takes the run of an occurrence: `acquired` for exactly one caller (or for one taking over a lapsed lease),
   * `done` when it already ran, `held` while another replica holds a live lease on it.
   */
  async acquire(run: EscalationRunDoc): Promise<'acquired' | 'done' | 'held'> {
    if ((await this.runs.insertNew([run])) === 1) return 'acquired';
    const existing = await this.runs.findOne({ _id: run._id });
    if (!existing || existing.state === 'done') return 'done';
    if (existing.leaseUntil > run.startedAt) return 'held';
    const took = await this.runs.updateWhere([{ filter: { _id: run._id, state: 'running', leaseUntil: existing.leaseUntil }, set: { owner: run.owner, leaseUntil: run.leaseUntil } }]);
    return took === 1 ? 'acquired' : 'held';
  }

  /** Extends the holder's lease; false if the run is no longer this owner's. */
  async renew(occurrenceId: string, owner: string, leaseUntil: string): Promise<boolean> {
    return (await this.runs.updateWhere([{ filter: { _id: occurrenceId, owner, state: 'running' }, set: { leaseUntil } }])) === 1;
  }

  async finish(occurrenceId: string, owner: string, set: Pick<EscalationRunDoc, 'finishedAt' | 'escalated' | 'failed' | 'digests'>): Promise<void> {
    await this.runs.updateWhere([{ filter: { _id: occurrenceId, owner }, set: { ...set, state: 'done' } }]);
  }

  getRun(occurrenceId: string): Promise<EscalationRunDoc | null> {
    return this.runs.findOne({ _id: occurrenceId });
  }

  /**
   * Claims the deliveries still owed an answer and not yet escalated (or left `sending` by a run that died), marking
   * them `sending`; returns their user ids. A delivery is escalated at most once: `escalatedAt` is set only where null.
   */
  async claimOpen(occurrenceId: string, at: string): Promise<string[]> {
    const open = (await this.deliveries.find({ occurrenceId, rank: { $lt: ACKNOWLEDGED } })).filter((d) => !d.escalation || d.escalation.state === 'sending');
    const sending: EscalationRecord = { at, channel: 'email', state: 'sending', attempts: 0 };
    await this.deliveries.updateWhere(open.filter((d) => !d.escalatedAt).map((d) => ({ filter: { _id: d._id, escalatedAt: null }, set: { escalatedAt: at, escalation: sending } })));
    return open.map((d) => d.userId);
  }

  /** Records how each claimed delivery's escalation ended. */
  async record(occurrenceId: string, outcomes: { userId: string; record: EscalationRecord }[]): Promise<void> {
    if (outcomes.length) await this.deliveries.updateWhere(outcomes.map((o) => ({ filter: { _id: deliveryId(occurrenceId, o.userId) }, set: { escalation: o.record } })));
  }
}
