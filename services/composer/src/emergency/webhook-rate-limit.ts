import { Collection, Store } from '@herald/persistence';
import { TooManyRequestsError } from '@herald/contracts';

/** One firing's place in one template's minute: `<templateId>:<minute start>:<n>`, n = 1..limit. */
interface SlotDoc {
  _id: string;
  templateId: string;
  at: string;
}

const WINDOW_MS = 60_000;

/**
 * The webhook's per-template rate limit (EMERGENCY_WEBHOOK_MAX_PER_MINUTE), shared by every composer replica through
 * the store. Each firing inserts the first free slot of the template's current minute; inserting a deterministic
 * `_id` is atomic on every store, so concurrent requests on several replicas can never take more slots than the
 * limit. Minutes are fixed (aligned on the epoch): at a minute's edge a flapping monitor gets at most twice the limit.
 */
export class WebhookRateLimit {
  private constructor(private readonly slots: Collection<SlotDoc>, private readonly perMinute: number) {}

  static async open(store: Store, perMinute: number): Promise<WebhookRateLimit> {
    return new WebhookRateLimit(await store.collection<SlotDoc>({ name: 'emergency_webhook_slots', indexes: [['at']] }), perMinute);
  }

  /** Takes a slot for one firing of `templateId`, or throws a 429 saying when the next minute starts. */
  async take(templateId: string, now: Date): Promise<void> {
    const start = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS;
    const at = new Date(start).toISOString();
    for (let n = 1; n <= this.perMinute; n++) {
      if ((await this.slots.insertNew([{ _id: `${templateId}:${at}:${n}`, templateId, at }])) === 1) return;
    }
    const retryAfter = (start + WINDOW_MS - now.getTime()) / 1000;
    throw new TooManyRequestsError(`template ${templateId} was fired ${this.perMinute} times through the webhook this minute (EMERGENCY_WEBHOOK_MAX_PER_MINUTE); retry after ${Math.ceil(retryAfter)} s`, retryAfter);
  }

  /** Deletes the slots of minutes that ended before `cutoff`; returns how many. */
  purge(cutoff: Date): Promise<number> {
    return this.slots.deleteWhere({ at: { $lt: new Date(cutoff.getTime() - WINDOW_MS).toISOString() } });
  }
}
