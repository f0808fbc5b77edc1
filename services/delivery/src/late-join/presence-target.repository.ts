import { Audience } from '@herald/contracts';
import { Collection, Store } from '@herald/persistence';

/**
 * An occurrence whose audience selects by computer or network range, while it is valid: a recipient who connects
 * later from there is targeted then. Only such occurrences are kept, and only until they end, so the set a
 * connecting client is checked against stays small.
 */
export interface PresenceTargetDoc {
  /** The occurrence id. */
  _id: string;
  alertId: string;
  audience: Audience;
  validUntil: string;
}

export class PresenceTargetRepository {
  private constructor(private readonly targets: Collection<PresenceTargetDoc>) {}

  static async open(store: Store): Promise<PresenceTargetRepository> {
    return new PresenceTargetRepository(await store.collection<PresenceTargetDoc>({ name: 'presence_targets', indexes: [['validUntil']] }));
  }

  /** Idempotent: the occurrence id is the key. */
  async add(doc: PresenceTargetDoc): Promise<void> {
    await this.targets.insertNew([doc]);
  }

  /** Occurrences still valid at `now`. */
  active(now: string): Promise<PresenceTargetDoc[]> {
    return this.targets.find({ validUntil: { $gt: now } }, { limit: 1_000 });
  }

  /** Forgets an occurrence whose window closed (its deliveries stay, in the deliveries collection). */
  forget(occurrenceId: string): Promise<number> {
    return this.targets.deleteWhere({ _id: occurrenceId });
  }

  /** Forgets the occurrences of a recalled alert. */
  forgetAlert(alertId: string): Promise<number> {
    return this.targets.deleteWhere({ alertId });
  }
}
