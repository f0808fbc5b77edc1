import { Inject, Injectable } from '@nestjs/common';
import { AuditEntry, AuditRecorded } from '@herald/contracts';
import { Infra, INFRA } from './infra';

export type AuditInput = Omit<AuditEntry, 'at' | 'details'> & { at?: string; details?: Record<string, unknown> };

/** Publishes domain events to the audit service. Ids are chosen by callers so redelivery never duplicates an entry. */
@Injectable()
export class AuditTrail {
  constructor(@Inject(INFRA) private readonly infra: Infra) {}

  async record(entries: AuditInput[], correlationId?: string): Promise<void> {
    if (!entries.length) return;
    const now = this.infra.clock.now().toISOString();
    await this.infra.bus.publish(AuditRecorded, { entries: entries.map((e) => ({ ...e, at: e.at ?? now, details: e.details ?? {} })) }, { correlationId });
  }
}
