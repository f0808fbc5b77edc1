import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { JsonLogger } from '@herald/observability';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { IdempotencyLedger } from './idempotency-ledger';
import { WebhookRateLimit } from './webhook-rate-limit';

const HOUR_MS = 3_600_000;

/**
 * Retention of the firing paths' own records: idempotency keys older than EMERGENCY_IDEMPOTENCY_HOURS and webhook
 * rate-limit slots of past minutes. FerretDB has no TTL indexes, so the composer deletes them itself, at most once
 * an hour per replica, after a firing (the collections only grow when something is fired). Audited when it deletes.
 */
@Injectable()
export class EmergencyRetention {
  private lastRun = Number.NEGATIVE_INFINITY;
  private readonly log: JsonLogger;

  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly ledger: IdempotencyLedger, private readonly limit: WebhookRateLimit, private readonly audit: AuditTrail) {
    this.log = infra.logger('composer');
  }

  /** Purges when an hour has passed since this replica last did; never fails the caller (the next firing retries). */
  async purgeIfDue(now: Date): Promise<void> {
    if (now.getTime() - this.lastRun < HOUR_MS) return;
    this.lastRun = now.getTime();
    try {
      const retentionHours = this.infra.env.EMERGENCY_IDEMPOTENCY_HOURS;
      const keys = await this.ledger.purge(new Date(now.getTime() - retentionHours * HOUR_MS));
      const slots = await this.limit.purge(now);
      if (keys || slots) {
        await this.audit.record([{ id: `emergency:purged:${randomUUID()}`, actor: 'system', action: 'emergency.purged', subject: 'emergency', details: { idempotencyKeys: keys, rateLimitSlots: slots, retentionHours } }]);
      }
    } catch (err) {
      this.log.write('warn', 'emergency retention purge failed; retried after the next firing', { error: (err as Error).message });
      this.lastRun = Number.NEGATIVE_INFINITY;
    }
  }
}
