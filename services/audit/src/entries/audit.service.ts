import { Inject, Injectable } from '@nestjs/common';
import { AuditEntry, AuditRecord, VerifyReport } from '@herald/contracts';
import { Principal } from '@herald/auth';
import { Infra, INFRA } from '@herald/runtime';
import { ChainRepository } from '../chain/chain.repository';
import { ChainWriter } from '../chain/chain.writer';
import { verifyChains } from '../chain/chain.verifier';
import { toRecord } from '../chain/record';
import { auditSigningKey } from '../chain/signing-key';
import { AuditAccess } from './audit-access';

@Injectable()
export class AuditService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: ChainRepository, private readonly writer: ChainWriter, private readonly access: AuditAccess) {}

  append(entries: AuditEntry[]): Promise<number> {
    return this.writer.append(entries);
  }

  async query(p: Principal, q: { alertId?: string; cursor?: string; limit: number }): Promise<{ entries: AuditRecord[]; nextCursor: string | null }> {
    await this.access.require(p, 'reading the audit trail');
    const docs = await this.repo.page({ alertId: q.alertId, after: q.cursor }, q.limit);
    return { entries: docs.map(toRecord), nextCursor: docs.length === q.limit ? docs[docs.length - 1]._id : null };
  }

  async verify(p: Principal): Promise<VerifyReport> {
    await this.access.require(p, 'verifying the audit trail');
    const report = await verifyChains(this.repo, auditSigningKey(this.infra.env));
    await this.access.record(p, 'audit.verified', { ok: report.ok, entries: report.entries, firstBroken: report.firstBroken ?? null });
    return report;
  }
}
