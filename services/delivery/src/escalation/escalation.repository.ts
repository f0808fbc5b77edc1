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
 * a redelivered or duplicated message finds it and sends nothing. The lease lets another replica take over a run
 * whose holder died, once the lease is over.
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

  /** Takes the run of an occurrence: true for exactly one caller, or for a caller taking over an expired lease. */
  async begin(run: EscalationRunDoc): Promise<boolean> {
    if ((await this.runs.insertNew([run])) === 1) return true;
    const existing = await this.runs.findOne({ _id: run._id });
    if (!existing || existing.state === 'done' || existing.leaseUntil > run.startedAt) return false;
    return (await this.runs.updateWhere([{ filter: { _id: run._id, state: 'running', leaseUntil: existing.leaseUntil }, set: { owner: run.owner, leaseUntil: run.leaseUntil } }])) === 1;
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
