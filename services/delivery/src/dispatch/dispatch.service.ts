import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DispatchRequested, ResolveAudience } from '@herald/contracts';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { DeliveryRepository, OccurrenceDoc } from '../deliveries/delivery.repository';
import { DoNotDisturbService } from '../do-not-disturb/do-not-disturb.service';
import { fanOut } from './fan-out';
import { LateJoinService } from '../late-join/late-join.service';

type Dispatch = z.infer<typeof DispatchRequested.schema>;

/**
 * Turns a dispatch into deliveries: resolve the audience at send time, record one `targeted` delivery per
 * recipient, then fan out to every gateway in chunks. Safe to run twice for one occurrence (redelivery).
 */
@Injectable()
export class DispatchService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: DeliveryRepository, private readonly audit: AuditTrail, private readonly dnd: DoNotDisturbService, private readonly lateJoin: LateJoinService) {}

  async dispatch(d: Dispatch, correlationId?: string): Promise<void> {
    // A firing already on the bus when the alert was recalled must not put it back on screens.
    if (await this.repo.isRecalled(d.alertId)) return;
    const { userIds, presenceBased } = await this.infra.bus.request(ResolveAudience, { audience: d.audience }, { correlationId });
    const now = this.infra.clock.now().toISOString();
    const occurrence: OccurrenceDoc = { _id: d.occurrenceId, alertId: d.alertId, ...d.content, sentAt: now, validUntil: d.validUntil, recipients: userIds.length };
    await this.repo.saveOccurrence(occurrence);
    // computer / network-range audiences also reach whoever connects there later, while the occurrence is valid
    if (presenceBased) await this.lateJoin.remember(occurrence, d.audience);
    const fresh = await this.repo.target(occurrence, userIds, now);
    // A recall that landed while targeting finds no deliveries yet: settle them here instead of fanning out.
    if (await this.repo.isRecalled(d.alertId)) {
      await this.repo.terminate({ occurrenceId: d.occurrenceId }, 'recalled', now);
      return;
    }
    // Info/warning for recipients in their quiet hours waits for the end of them (do-not-disturb).
    const held = await this.dnd.holdBack(occurrence, userIds, correlationId);
    const alert = { occurrenceId: d.occurrenceId, alertId: d.alertId, ...d.content, sentAt: now, validUntil: d.validUntil };
    await fanOut(this.infra, alert, held.size ? userIds.filter((u) => !held.has(u)) : userIds, correlationId);
    await this.audit.record(
      [{ id: `${d.occurrenceId}:dispatched`, actor: d.requestedBy, action: 'occurrence.dispatched', subject: `occurrence:${d.occurrenceId}`, alertId: d.alertId, correlationId, details: { recipients: userIds.length, newlyTargeted: fresh, held: held.size } }],
      correlationId,
    );
  }
}
