import { Inject, Injectable } from '@nestjs/common';
import { ListDeliveries, NotFoundError } from '@herald/contracts';
import { Principal } from '@herald/auth';
import { Infra, INFRA } from '@herald/runtime';
import { ChainRepository } from '../chain/chain.repository';
import { AuditAccess } from '../entries/audit-access';
import { AlertReport, buildReport } from './report.model';

/** Per-alert delivery reports: delivery states fetched from delivery over the bus, the alert's story from the chain. */
@Injectable()
export class ReportService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: ChainRepository, private readonly access: AuditAccess) {}

  async report(p: Principal, alertId: string, q: { format: string; aggregate: boolean }): Promise<AlertReport> {
    await this.access.require(p, 'reading an alert report', { alertId });
    // The deployment-wide privacy setting cannot be lifted by a query parameter.
    const aggregateOnly = q.aggregate || this.infra.env.AUDIT_AGGREGATE_ONLY;
    const [entries, { deliveries }] = await Promise.all([this.repo.page({ alertId }, 1_000), this.infra.bus.request(ListDeliveries, { alertId })]);
    if (!entries.length && !deliveries.length) throw new NotFoundError(`alert ${alertId} has no audit entries and no deliveries`);
    await this.access.record(p, 'audit.report-exported', { format: q.format, aggregateOnly }, alertId);
    return buildReport(alertId, entries, deliveries, { now: this.infra.clock.now(), by: p.userId, aggregateOnly });
  }
}
