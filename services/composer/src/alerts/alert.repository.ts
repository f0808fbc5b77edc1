import { Collection, Store } from '@herald/persistence';
import { AlertContent, Audience, EscalationPolicy, Severity } from '@herald/contracts';

export interface AlertDoc extends AlertContent {
  _id: string;
  audience: Audience;
  status: 'draft' | 'sent' | 'scheduled' | 'recalled';
  createdBy: string;
  createdAt: string;
  validUntil: string | null;
  sentAt: string | null;
  occurrenceId: string | null;
  /** Escalation of recipients who have not settled it (absent on alerts written before it existed). */
  escalation?: EscalationPolicy | null;
  /** Set when the alert was handed to the scheduler (the schedule id is the alert id). */
  scheduledAt?: string | null;
  recalledAt?: string | null;
  /** Last content edit (PATCH /api/alerts/:id). */
  editedAt?: string | null;
  editedBy?: string | null;
  /** Set when the recall was an "all clear" (the emergency is over). */
  allClearAt?: string | null;
}

/** The composer's alerts. */
export class AlertRepository {
  private constructor(private readonly alerts: Collection<AlertDoc>) {}

  static async open(store: Store): Promise<AlertRepository> {
    return new AlertRepository(await store.collection<AlertDoc>({ name: 'alerts', indexes: [['createdAt']] }));
  }

  async insert(alert: AlertDoc): Promise<void> {
    await this.alerts.insertNew([alert]);
  }

  /** The most recently created alerts that went out (sent, or since recalled) matching `filter`, newest first. */
  recent(filter: { severity: Severity[]; createdBy?: string }, limit: number): Promise<AlertDoc[]> {
    return this.alerts.find({ severity: { $in: filter.severity }, status: { $in: ['sent', 'recalled'] }, ...(filter.createdBy ? { createdBy: filter.createdBy } : {}) }, { sort: [['createdAt', -1]], limit });
  }

  get(id: string): Promise<AlertDoc | null> {
    return this.alerts.findOne({ _id: id });
  }

  /** Records the send; returns false when another request already did. */
  async markSent(id: string, occurrenceId: string, sentAt: string, validUntil: string): Promise<boolean> {
    return (await this.alerts.updateWhere([{ filter: { _id: id, status: 'draft' }, set: { status: 'sent', occurrenceId, sentAt, validUntil } }])) === 1;
  }

  async markScheduled(id: string, at: string): Promise<boolean> {
    return (await this.alerts.updateWhere([{ filter: { _id: id, status: 'draft' }, set: { status: 'scheduled', scheduledAt: at } }])) === 1;
  }

  /** Replaces the content of a draft or scheduled alert; false when it was sent or recalled meanwhile. */
  async updateContent(id: string, set: Pick<AlertDoc, 'title' | 'body' | 'severity' | 'presentation' | 'responses' | 'audience'> & { editedAt: string; editedBy: string }): Promise<boolean> {
    return (await this.alerts.updateWhere([{ filter: { _id: id, status: { $in: ['draft', 'scheduled'] } }, set }])) === 1;
  }

  /** Recall is final: whatever the alert's status was (sent or scheduled), it becomes recalled. */
  async markRecalled(id: string, at: string, reason: 'recall' | 'all-clear' | 'expired' = 'recall'): Promise<boolean> {
    return (await this.alerts.updateWhere([{ filter: { _id: id, status: { $in: ['sent', 'scheduled'] } }, set: { status: 'recalled', recalledAt: at, ...(reason === 'all-clear' ? { allClearAt: at } : {}) } }])) === 1;
  }
}
