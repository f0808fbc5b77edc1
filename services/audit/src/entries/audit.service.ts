import { Injectable } from '@nestjs/common';
import { AuditEntry } from '@herald/contracts';
import { Principal, requireRole } from '@herald/auth';
import { AuditRepository } from './audit.repository';

@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  append(entries: AuditEntry[]): Promise<number> {
    return this.repo.append(entries);
  }

  async query(p: Principal, q: { alertId?: string; limit: number }): Promise<{ entries: AuditEntry[] }> {
    requireRole(p, ['admin', 'auditor'], 'reading the audit trail');
    return { entries: await this.repo.query(q) };
  }
}
