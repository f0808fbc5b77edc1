import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError } from '@herald/contracts';
import { Principal, Role } from '@herald/auth';
import { Infra, INFRA } from '@herald/runtime';
import { ChainWriter } from '../chain/chain.writer';

/** Who may read the audit trail, and the trail's record of its own use: reads, exports and refusals. */
@Injectable()
export class AuditAccess {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly writer: ChainWriter) {}

  /** Throws 403 unless `p` is an auditor or admin; the refusal itself is appended to the chain first. */
  async require(p: Principal, what: string, details: Record<string, unknown> = {}, roles: Role[] = ['auditor', 'admin']): Promise<void> {
    if (roles.some((r) => p.roles.includes(r))) return;
    await this.record(p, 'audit.access-denied', { what, ...details });
    throw new ForbiddenError(`${what} requires the ${roles.join(' or ')} role`);
  }

  /** Appends one entry about the use of the audit trail itself. */
  async record(p: Principal, action: string, details: Record<string, unknown>, alertId?: string): Promise<void> {
    const at = this.infra.clock.now().toISOString();
    await this.writer.append([{ id: `audit:${randomUUID()}`, at, actor: p.userId, action, subject: alertId ? `alert:${alertId}` : 'audit', alertId, details }]);
  }
}
