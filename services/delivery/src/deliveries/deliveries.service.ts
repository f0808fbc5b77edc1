import { Inject, Injectable } from '@nestjs/common';
import { alertIdOf, ANSWER_REQUIRED_SEVERITIES, ClientAlert, DeliveryView, Receipt } from '@herald/contracts';
import { JsonLogger } from '@herald/observability';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { DeliveryRepository } from './delivery.repository';

/** Per-recipient state: receipts from gateways, the pending set for reconnecting clients, the admin's view. */
@Injectable()
export class DeliveriesService {
  private readonly log: JsonLogger;

  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: DeliveryRepository, private readonly audit: AuditTrail) {
    this.log = infra.logger('delivery');
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

  pendingFor(userId: string): Promise<ClientAlert[]> {
    return this.repo.pendingFor(userId, this.infra.clock.now().toISOString());
  }

  list(alertId: string): Promise<DeliveryView[]> {
    return this.repo.listByAlert(alertId);
  }
}
