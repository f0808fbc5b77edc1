import { Inject, Injectable } from '@nestjs/common';
import { AdmitToAudiences, Audience, ClientPresence, deliveryId } from '@herald/contracts';
import { counter } from '@herald/observability';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { DeliveryRepository, OccurrenceDoc } from '../deliveries/delivery.repository';
import { PresenceTargetRepository } from './presence-target.repository';

const lateTargeted = counter('herald_delivery_targeted_on_connect_total', 'Deliveries created when a recipient connected from a computer or network an alert targets');

/**
 * Computer and network-range audiences reach people where they are, which changes after the alert is sent: a
 * recipient who connects later from a targeted computer or network, while the occurrence is valid, gets it then.
 * At dispatch such occurrences are remembered; at each connect the directory decides which of them admit the user
 * (same expression, that user's presence), and the delivery is created with its deterministic id, so a reconnect or
 * a redelivered request targets nobody twice.
 */
@Injectable()
export class LateJoinService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly targets: PresenceTargetRepository, private readonly deliveries: DeliveryRepository, private readonly audit: AuditTrail) {}

  /** At dispatch: remember an occurrence whose audience selects by presence, until it ends. */
  async remember(occurrence: OccurrenceDoc, audience: Audience): Promise<void> {
    await this.targets.add({ _id: occurrence._id, alertId: occurrence.alertId, audience, validUntil: occurrence.validUntil });
  }

  /** Recall or end of validity: nobody joins any more. */
  async forget(target: { alertId: string } | { occurrenceId: string }): Promise<void> {
    await ('alertId' in target ? this.targets.forgetAlert(target.alertId) : this.targets.forget(target.occurrenceId));
  }

  /** At connect: create the deliveries of valid presence-targeted occurrences that now admit the user. Returns how many. */
  async admit(userId: string, presence: ClientPresence): Promise<number> {
    const now = this.infra.clock.now().toISOString();
    const active = await this.targets.active(now);
    if (!active.length) return 0;
    const have = await this.deliveries.deliveredOccurrences(active.map((t) => t._id), userId);
    const open = active.filter((t) => !have.has(t._id));
    if (!open.length) return 0;
    // Half the usual timeout: the gateway's pending request waits on this one, and must still get its answer in time.
    const timeoutMs = Math.max(100, Math.floor(this.infra.env.RPC_TIMEOUT_MS / 2));
    const { admitted } = await this.infra.bus.request(AdmitToAudiences, { userId, presence, audiences: open.map((t) => ({ id: t._id, audience: t.audience })) }, { timeoutMs });
    let created = 0;
    for (const occurrence of (await this.deliveries.occurrencesById(admitted)).values()) {
      if (!(await this.deliveries.target(occurrence, [userId], now))) continue;
      created++;
      // a recall that landed meanwhile found no delivery to settle: settle this one (pending then skips it)
      if (await this.deliveries.isRecalled(occurrence.alertId)) await this.deliveries.terminate({ occurrenceId: occurrence._id }, 'recalled', now);
      await this.audit.record([
        {
          id: `${deliveryId(occurrence._id, userId)}:targeted-on-connect`,
          actor: 'system',
          action: 'delivery.targeted-on-connect',
          subject: `delivery:${occurrence._id}:${userId}`,
          alertId: occurrence.alertId,
          details: { ...(presence.computer ? { computer: presence.computer } : {}), address: presence.address },
        },
      ]);
    }
    lateTargeted.inc(created);
    return created;
  }
}
