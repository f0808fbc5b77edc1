import { Inject, Injectable } from '@nestjs/common';
import { DescribeUsers, ListDeliveries, NotFoundError, Person } from '@herald/contracts';
import { Principal } from '@herald/auth';
import { Infra, INFRA } from '@herald/runtime';
import { AlertDoc, AlertRepository } from '../alerts/alert.repository';
import { AlertsService, AlertView } from '../alerts/alerts.service';
import { SendPolicy } from '../alerts/send-policy';
import { AlertSummary, NEED_HELP, summarize } from './summarize';

/**
 * The accountability board of an alert (who is safe, who needs help, whom to call) and the "all clear" that ends
 * an emergency. Read by whoever may read the alert: its sender, admins and auditors.
 */
@Injectable()
export class AccountabilityService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: AlertRepository, private readonly policy: SendPolicy, private readonly alerts: AlertsService) {}

  /** How often the live board re-reads the deliveries (SUMMARY_REFRESH_MS; the issue asks for "within a second"). */
  get refreshMs(): number {
    return this.infra.env.SUMMARY_REFRESH_MS;
  }

  /** Checks the caller may read the alert; the stream calls it once, before it starts. */
  async readable(p: Principal, id: string): Promise<AlertDoc> {
    this.policy.mayReadSome(p, 'reading an alert summary');
    const alert = await this.repo.get(id);
    if (!alert) throw new NotFoundError(`alert ${id} not found`);
    this.policy.canRead(p, alert, 'reading an alert summary');
    return alert;
  }

  async summary(p: Principal, id: string): Promise<AlertSummary> {
    return this.build(await this.readable(p, id));
  }

  /** The summary as it is now, for a caller already checked (the live stream re-reads it every tick). */
  async build(alert: AlertDoc): Promise<AlertSummary> {
    const { deliveries } = await this.infra.bus.request(ListDeliveries, { alertId: alert._id });
    const mustAnswer = (alert.responses?.length ?? 0) > 0;
    // Whom the board names: who has not answered, and who asked for help.
    const named = deliveries.filter((d) => (mustAnswer ? d.response === null : d.acknowledgedAt === null) || d.response?.optionId === NEED_HELP).map((d) => d.userId);
    const people = new Map<string, Person>();
    if (named.length) for (const u of (await this.infra.bus.request(DescribeUsers, { userIds: named })).users) people.set(u.id, u);
    const fresh = (await this.repo.get(alert._id)) ?? alert;
    return summarize(alert._id, alert.responses, deliveries, people, fresh.allClearAt ?? null);
  }

  /** Ends an emergency: it leaves every screen (answered or not), deliveries not answered become `recalled`, and it is recorded. */
  allClear(p: Principal, id: string): Promise<AlertView> {
    return this.alerts.recall(p, id, 'all-clear');
  }
}
