import { Inject, Injectable } from '@nestjs/common';
import { AlertRecalled, RecallReason } from '@herald/contracts';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { DeliveryRepository, toClientAlert } from '../deliveries/delivery.repository';
import { DoNotDisturbService, HOLDABLE } from '../do-not-disturb/do-not-disturb.service';
import { fanOut } from '../dispatch/fan-out';
import { LateJoinService } from '../late-join/late-join.service';

/**
 * What happens to an occurrence after its fan-out: recall (admin takes it off every screen), expiry (its window
 * closed) and reminders (re-show to whoever has not acknowledged). Each is idempotent: a redelivered message
 * changes no state twice and pushes nothing twice.
 */
@Injectable()
export class LifecycleService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: DeliveryRepository, private readonly audit: AuditTrail, private readonly dnd: DoNotDisturbService, private readonly lateJoin: LateJoinService) {}

  async recall(alertId: string, requestedBy: string, correlationId?: string, reason: RecallReason = 'recall'): Promise<void> {
    const at = this.now();
    await this.repo.markRecalled(alertId, at, requestedBy);
    await this.lateJoin.forget({ alertId });
    const recalled = await this.repo.terminate({ alertId }, 'recalled', at);
    for (const o of await this.repo.occurrencesOf(alertId)) await this.pushRecall(alertId, o._id, correlationId, reason);
    await this.audit.record([{ id: `${alertId}:recalled-deliveries`, actor: requestedBy, action: 'delivery.recalled', subject: `alert:${alertId}`, alertId, correlationId, details: { deliveries: recalled, reason } }], correlationId);
  }

  async expire(alertId: string, occurrenceId: string, correlationId?: string): Promise<void> {
    await this.lateJoin.forget({ occurrenceId });
    const expired = await this.repo.terminate({ occurrenceId }, 'expired', this.now());
    // Displayed-but-unacknowledged screens hold it too: they are told to take it down at the end of its window.
    await this.pushRecall(alertId, occurrenceId, correlationId, 'expired');
    await this.audit.record([{ id: `${occurrenceId}:expired`, actor: 'system', action: 'occurrence.expired', subject: `occurrence:${occurrenceId}`, alertId, correlationId, details: { expiredDeliveries: expired } }], correlationId);
  }

  async remind(alertId: string, occurrenceId: string, n: number, correlationId?: string): Promise<void> {
    const occurrence = await this.repo.getOccurrence(occurrenceId);
    const at = this.now();
    if (!occurrence || occurrence.validUntil <= at || (await this.repo.isRecalled(alertId))) return;
    const due = await this.repo.dueForReminder(occurrenceId, n);
    // A reminder is not pushed into a recipient's quiet hours (info/warning); it is not counted either, so the
    // next reminder after them still reaches them.
    const quiet = HOLDABLE.includes(occurrence.severity) && due.length ? await this.dnd.quietUntil(new Set(due)) : new Map<string, Date>();
    const userIds = due.filter((u) => !quiet.has(u));
    if (!userIds.length) return;
    await this.repo.markReminded(occurrenceId, userIds, n, at);
    await fanOut(this.infra, { ...toClientAlert(occurrence), reminder: n }, userIds, correlationId);
    await this.audit.record(
      userIds.map((u) => ({ id: `${occurrenceId}:${u}:reminded-${n}`, at, actor: 'system', action: 'delivery.reminded', subject: `delivery:${occurrenceId}:${u}`, alertId, correlationId, details: { reminder: n } })),
      correlationId,
    );
  }

  private async pushRecall(alertId: string, occurrenceId: string, correlationId: string | undefined, reason: RecallReason): Promise<void> {
    const userIds = await this.repo.openRecipients(occurrenceId);
    const size = this.infra.env.FANOUT_CHUNK_SIZE;
    for (let i = 0; i < userIds.length; i += size) await this.infra.bus.publish(AlertRecalled, { alertId, occurrenceId, recipients: userIds.slice(i, i + size), reason }, { correlationId });
  }

  private now(): string {
    return this.infra.clock.now().toISOString();
  }
}
