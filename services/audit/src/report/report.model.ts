import { DeliveryView, ProgressState, stateRank } from '@herald/contracts';
import { AuditDoc } from '../chain/record';

export const COUNTED = ['targeted', 'sent', 'delivered', 'displayed', 'acknowledged'] as const satisfies readonly ProgressState[];

/** What an incident file needs about one alert: who sent what, when, and how far it got with its audience. */
export interface AlertReport {
  alertId: string;
  title: string | null;
  severity: string | null;
  createdBy: string | null;
  createdAt: string | null;
  sentBy: string | null;
  sentAt: string | null;
  validUntil: string | null;
  generatedAt: string;
  generatedBy: string;
  /** Works-council mode: counts only, no names or per-person timestamps. */
  aggregateOnly: boolean;
  counts: Record<(typeof COUNTED)[number] | 'expired', number>;
  recipients: DeliveryView[] | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Builds the report from the alert's audit entries and its deliveries. A delivery counts for every state it passed. */
export function buildReport(alertId: string, entries: AuditDoc[], deliveries: DeliveryView[], opts: { now: Date; by: string; aggregateOnly: boolean }): AlertReport {
  const byTime = [...entries].sort((a, b) => a.at.localeCompare(b.at));
  const created = byTime.find((e) => e.action === 'alert.created');
  const sent = byTime.filter((e) => e.action === 'alert.sent').at(-1);
  const validUntil = str(sent?.details?.validUntil);
  const lapsed = validUntil !== null && new Date(validUntil) < opts.now;
  const counts = Object.fromEntries(COUNTED.map((s) => [s, deliveries.filter((d) => stateRank(d.state) >= stateRank(s)).length])) as AlertReport['counts'];
  counts.expired = lapsed ? deliveries.filter((d) => d.state !== 'acknowledged').length : 0;
  return {
    alertId,
    title: str(created?.details?.title),
    severity: str(created?.details?.severity),
    createdBy: created?.actor ?? null,
    createdAt: created?.at ?? null,
    sentBy: sent?.actor ?? null,
    sentAt: sent?.at ?? null,
    validUntil,
    generatedAt: opts.now.toISOString(),
    generatedBy: opts.by,
    aggregateOnly: opts.aggregateOnly,
    counts,
    recipients: opts.aggregateOnly ? null : [...deliveries].sort((a, b) => a.userId.localeCompare(b.userId)),
  };
}
