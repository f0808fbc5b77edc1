import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@herald/auth';
import { Infra, INFRA } from '@herald/runtime';
import { ChainRepository } from '../chain/chain.repository';
import { auditSigningKey } from '../chain/signing-key';
import { AuditAccess } from '../entries/audit-access';
import { purgeExpired, PurgeResult } from './purge';

/** The explicit retention job, run by an admin (auditors read the trail; they do not delete from it). */
@Injectable()
export class RetentionService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: ChainRepository, private readonly access: AuditAccess) {}

  async purge(p: Principal, dryRun: boolean): Promise<{ dryRun: boolean; retention: Record<string, number>; purged: PurgeResult[] }> {
    await this.access.require(p, 'purging the audit trail', { dryRun }, ['admin']);
    const retention = this.infra.env.AUDIT_RETENTION_DAYS;
    const purged = await purgeExpired(this.repo, auditSigningKey(this.infra.env), retention, this.infra.clock.now(), dryRun);
    await this.access.record(p, dryRun ? 'audit.purge-previewed' : 'audit.purged', { retention, purged });
    return { dryRun, retention, purged };
  }
}
