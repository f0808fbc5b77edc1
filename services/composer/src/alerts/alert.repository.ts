import { Collection, Store } from '@herald/persistence';
import { AlertContent, Audience } from '@herald/contracts';

export interface AlertDoc extends AlertContent {
  _id: string;
  audience: Audience;
  status: 'draft' | 'sent';
  createdBy: string;
  createdAt: string;
  validUntil: string | null;
  sentAt: string | null;
  occurrenceId: string | null;
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

  get(id: string): Promise<AlertDoc | null> {
    return this.alerts.findOne({ _id: id });
  }

  /** Records the send; returns false when another request already did. */
  async markSent(id: string, occurrenceId: string, sentAt: string, validUntil: string): Promise<boolean> {
    return (await this.alerts.updateWhere([{ filter: { _id: id, status: 'draft' }, set: { status: 'sent', occurrenceId, sentAt, validUntil } }])) === 1;
  }
}
