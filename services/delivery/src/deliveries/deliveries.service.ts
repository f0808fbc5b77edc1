import { Inject, Injectable } from '@nestjs/common';
import { alertIdOf, ANSWER_REQUIRED_SEVERITIES, ClientAlert, ClientPresence, ConflictError, DeliveryView, NotFoundError, Receipt, Severity, UnprocessableError } from '@herald/contracts';
import { JsonLogger } from '@herald/observability';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { LateJoinService } from '../late-join/late-join.service';
import { DeliveryRepository } from './delivery.repository';
import { DoNotDisturbService } from '../do-not-disturb/do-not-disturb.service';

/** Severities a recipient may snooze; critical and emergency always stay on screen until dealt with. */
const SNOOZABLE: readonly Severity[] = ['info', 'warning'];

/** Per-recipient state: receipts from gateways, the pending set for reconnecting clients, the admin's view. */
@Injectable()
export class DeliveriesService {
  private readonly log: JsonLogger;

  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: DeliveryRepository, private readonly audit: AuditTrail, private readonly dnd: DoNotDisturbService, private readonly lateJoin: LateJoinService) {
    this.log = infra.logger('delivery');
  }

  /**
   * A recipient puts an info/warning alert away for `minutes`: it stays out of their pending set until then (their
   * client shows it again when the time is up). Critical and emergency alerts are never snoozed.
   */
  async snooze(userId: string, occurrenceId: string, minutes: number): Promise<{ snoozedUntil: string }> {
    const [occurrence, delivery] = await Promise.all([this.repo.getOccurrence(occurrenceId), this.repo.getDelivery(occurrenceId, userId)]);
    if (!occurrence || !delivery) throw new NotFoundError(`no alert ${occurrenceId} for you`);
    if (!SNOOZABLE.includes(occurrence.severity)) throw new UnprocessableError(`occurrenceId: ${occurrence.severity} alerts cannot be snoozed`, 'occurrenceId');
    const now = this.infra.clock.now();
    const snoozedUntil = new Date(now.getTime() + minutes * 60_000).toISOString();
    if (!(await this.repo.snooze(occurrenceId, userId, snoozedUntil))) throw new ConflictError(`alert ${occurrenceId} is already acknowledged`);
    await this.audit.record([{ id: `${occurrenceId}:${userId}:snoozed:${now.toISOString()}`, actor: userId, action: 'delivery.snoozed', subject: `delivery:${occurrenceId}:${userId}`, alertId: occurrence.alertId, details: { until: snoozedUntil, minutes } }]);
    return { snoozedUntil };
  }

  async applyReceipts(all: Receipt[]): Promise<void> {
    const receipts = await this.answerable(await this.repo.known(all));
    await this.repo.applyReceipts(receipts);
    // Audit ids are deterministic per delivery and state: a redelivered batch appends nothing new.
    await this.audit.record(
      receipts
        .filter((r) => r.state !== 'sent')
        .map((r) => ({ id: `${r.occurrenceId}:${r.userId}:${r.state}`, at: r.at, actor: r.userId, action: `delivery.${r.state}`, subject: `delivery:${r.occurrenceId}:${r.userId}`, alertId: alertIdOf(r.occurrenceId), details: { ...(r.client ? { client: r.client } : {}), ...(r.response ? { response: r.response } : {}) } })),
    );
  }

  /**
   * Drops what the alert does not allow: an answer that is not one of its options, and a bare acknowledgement of
   * an alert that must be answered (an emergency stays pending, and on screen, until the recipient answers).
   */
  private async answerable(receipts: Receipt[]): Promise<Receipt[]> {
    const concerned = receipts.filter((r) => r.state === 'responded' || r.state === 'acknowledged');
    if (!concerned.length) return receipts;
    const occurrences = await this.repo.occurrencesById(concerned.map((r) => r.occurrenceId));
    return receipts.filter((r) => {
      const o = occurrences.get(r.occurrenceId);
      if (!o) return r.state !== 'responded';
      if (r.state === 'responded' && !o.responses?.some((opt) => opt.id === r.response?.optionId)) {
        this.log.write('warn', 'answer refused: not an option of the alert', { occurrenceId: r.occurrenceId, userId: r.userId, optionId: r.response?.optionId });
        return false;
      }
      return !(r.state === 'acknowledged' && ANSWER_REQUIRED_SEVERITIES.includes(o.severity));
    });
  }

  /**
   * What a connecting client must show. Given where it connects from, alerts targeting that computer or network
   * are first extended to the user; if that fails (directory down), the alerts they already have still go out —
   * minus info/warning held while the recipient is in quiet hours.
   */
  async pendingFor(userId: string, presence?: ClientPresence): Promise<ClientAlert[]> {
    if (presence) {
      await this.lateJoin.admit(userId, presence).catch((err: Error) => this.log.write('warn', 'could not check computer / network-range alerts for a connecting user', { userId, error: err.message }));
    }
    return this.dnd.filterPending(userId, await this.repo.pendingFor(userId, this.infra.clock.now().toISOString()));
  }

  list(alertId: string): Promise<DeliveryView[]> {
    return this.repo.listByAlert(alertId);
  }
}
