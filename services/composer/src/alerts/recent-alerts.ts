import { Injectable } from '@nestjs/common';
import { hasRole, Principal } from '@herald/auth';
import { AlertDoc, AlertRepository } from './alert.repository';
import { view, AlertView } from './alerts.service';
import { RecentAlertsQuery } from './alert.dto';
import { CRISIS_SEVERITIES, READERS, SendPolicy } from './send-policy';

/**
 * The alerts that went out lately, newest first, limited to what the caller may read (as `SendPolicy.canRead`):
 * readers see all, the crisis team every critical and emergency alert, a sender their own. The crisis board picks
 * from it.
 */
@Injectable()
export class RecentAlerts {
  constructor(private readonly repo: AlertRepository, private readonly policy: SendPolicy) {}

  async list(p: Principal, q: RecentAlertsQuery): Promise<{ alerts: AlertView[] }> {
    this.policy.mayReadSome(p, 'listing alerts');
    const severity = [...new Set(q.severity)];
    if (hasRole(p, ...READERS)) return { alerts: (await this.repo.recent({ severity }, q.limit)).map(view) };
    const crisis = hasRole(p, 'crisis') ? severity.filter((s) => CRISIS_SEVERITIES.includes(s)) : [];
    const [team, own] = await Promise.all([crisis.length ? this.repo.recent({ severity: crisis }, q.limit) : [], this.repo.recent({ severity, createdBy: p.userId }, q.limit)]);
    const merged = new Map<string, AlertDoc>([...team, ...own].map((a) => [a._id, a]));
    const newestFirst = [...merged.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a._id.localeCompare(b._id));
    return { alerts: newestFirst.slice(0, q.limit).map(view) };
  }
}
