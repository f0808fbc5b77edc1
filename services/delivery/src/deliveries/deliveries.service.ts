import { Inject, Injectable } from '@nestjs/common';
import { alertIdOf, ClientAlert, DeliveryView, Receipt } from '@herald/contracts';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { DeliveryRepository } from './delivery.repository';

/** Per-recipient state: receipts from gateways, the pending set for reconnecting clients, the admin's view. */
@Injectable()
export class DeliveriesService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: DeliveryRepository, private readonly audit: AuditTrail) {}

  async applyReceipts(all: Receipt[]): Promise<void> {
    const receipts = await this.repo.known(all);
    await this.repo.applyReceipts(receipts);
    // Audit ids are deterministic per delivery and state: a redelivered batch appends nothing new.
    await this.audit.record(
      receipts
        .filter((r) => r.state !== 'sent')
        .map((r) => ({ id: `${r.occurrenceId}:${r.userId}:${r.state}`, at: r.at, actor: r.userId, action: `delivery.${r.state}`, subject: `delivery:${r.occurrenceId}:${r.userId}`, alertId: alertIdOf(r.occurrenceId), details: r.client ? { client: r.client } : {} })),
    );
  }

  pendingFor(userId: string): Promise<ClientAlert[]> {
    return this.repo.pendingFor(userId, this.infra.clock.now().toISOString());
  }

  list(alertId: string): Promise<DeliveryView[]> {
    return this.repo.listByAlert(alertId);
  }
}
