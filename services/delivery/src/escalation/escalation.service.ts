import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DescribeUsers, EscalationPolicy, EscalationRecord, Person } from '@herald/contracts';
import { counter, JsonLogger } from '@herald/observability';
import { AuditInput, AuditTrail, Infra, INFRA } from '@herald/runtime';
import { DeliveryRepository, OccurrenceDoc } from '../deliveries/delivery.repository';
import { DigestRecord, EscalationRepository } from './escalation.repository';
import { AlertFacts, managerDigest, recipientMail } from './escalation-mail';
import { Mailer, MAILER, OutgoingMail, sendAll, SendOutcome } from './mailer';

const mails = counter('herald_escalation_mails_total', 'Escalation e-mails, by kind (recipient, manager) and outcome (sent, failed)', ['kind', 'outcome']);
/** A run's lease, renewed every third of it while the run works; once it lapses (the holder died) another replica takes over. */
const RUN_LEASE_MS = 60_000;
/** How often a message for a run held by another replica checks whether that run finished or its lease lapsed. */
const HELD_POLL_MS = 500;

type Audit = AuditInput;

/**
 * Escalation: when an occurrence's escalation is due, everyone who still owes it an answer (emergency) or an
 * acknowledgement (critical) is e-mailed at their directory address and/or listed in one digest to their manager.
 * Exactly one run per occurrence (EscalationRepository.acquire) and one escalation per delivery, so a redelivered
 * or duplicated message sends nothing twice; a message for a run another replica holds waits for it to finish, and
 * takes it over if its holder dies (lease lapsed), re-sending only what was claimed but not recorded. SMTP failures are retried with back-off, then recorded as `failed` on
 * the delivery and in the audit trail; nothing is dropped silently.
 */
@Injectable()
export class EscalationService implements OnApplicationShutdown {
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly log: JsonLogger;

  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly deliveries: DeliveryRepository, private readonly repo: EscalationRepository, private readonly audit: AuditTrail, @Inject(MAILER) private readonly mailer: Mailer | null) {
    this.log = infra.logger('delivery');
  }

  onApplicationShutdown(): void {
    this.mailer?.close();
  }

  async escalate(alertId: string, occurrenceId: string, policy: EscalationPolicy, correlationId?: string): Promise<void> {
    const now = this.infra.clock.now();
    const at = now.toISOString();
    const occurrence = await this.deliveries.getOccurrence(occurrenceId);
    if (!occurrence || occurrence.validUntil <= at || (await this.deliveries.isRecalled(alertId))) return;
    if (!(await this.acquire(alertId, occurrenceId))) return;
    const heartbeat = setInterval(() => void this.repo.renew(occurrenceId, this.owner, this.leaseEnd()).catch(() => undefined), RUN_LEASE_MS / 3);
    try {
      await this.run(alertId, occurrenceId, occurrence, policy, at, correlationId);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** True when this replica got the run; false when it already ran. Waits while another live replica holds it. */
  private async acquire(alertId: string, occurrenceId: string): Promise<boolean> {
    for (;;) {
      const startedAt = this.infra.clock.now().toISOString();
      const got = await this.repo.acquire({ _id: occurrenceId, alertId, state: 'running', owner: this.owner, startedAt, leaseUntil: this.leaseEnd(), finishedAt: null, escalated: 0, failed: 0, digests: [] });
      if (got !== 'held') return got === 'acquired';
      await new Promise((r) => setTimeout(r, HELD_POLL_MS));
    }
  }

  private leaseEnd(): string {
    return new Date(this.infra.clock.now().getTime() + RUN_LEASE_MS).toISOString();
  }

  private async run(alertId: string, occurrenceId: string, occurrence: OccurrenceDoc, policy: EscalationPolicy, at: string, correlationId?: string): Promise<void> {
    const userIds = await this.repo.claimOpen(occurrenceId, at);
    const people = new Map<string, Person>();
    if (userIds.length) for (const p of (await this.infra.bus.request(DescribeUsers, { userIds }, { correlationId })).users) people.set(p.id, p);
    const facts = this.facts(occurrence);

    const records = policy.email ? await this.emailPeople(facts, userIds, people, at) : new Map<string, EscalationRecord>();
    const digests = policy.manager ? await this.emailManagers(facts, userIds, people) : [];
    if (!policy.email) for (const u of userIds) records.set(u, this.managerOnlyRecord(u, people, digests, at));

    const outcomes = userIds.map((userId) => ({ userId, record: records.get(userId)! }));
    await this.repo.record(occurrenceId, outcomes);
    const entries: Audit[] = outcomes.map(({ userId, record }) => ({
      id: `${occurrenceId}:${userId}:${record.state === 'sent' ? 'escalated' : 'escalation-failed'}`,
      at,
      actor: 'system',
      action: record.state === 'sent' ? 'delivery.escalated' : 'delivery.escalation-failed',
      subject: `delivery:${occurrenceId}:${userId}`,
      alertId,
      correlationId,
      details: { channel: record.channel, ...(record.to ? { to: record.to } : {}), attempts: record.attempts, ...(record.error ? { error: record.error } : {}) },
    }));
    for (const d of digests) {
      entries.push({
        id: `${occurrenceId}:manager:${d.managerId}`,
        at,
        actor: 'system',
        action: d.state === 'sent' ? 'escalation.manager-notified' : 'escalation.manager-failed',
        subject: `occurrence:${occurrenceId}`,
        alertId,
        correlationId,
        details: { manager: d.managerId, ...(d.to ? { to: d.to } : {}), reports: d.reports, attempts: d.attempts, ...(d.error ? { error: d.error } : {}) },
      });
    }
    if (entries.length) await this.audit.record(entries, correlationId);
    const failed = outcomes.filter((o) => o.record.state === 'failed').length;
    await this.repo.finish(occurrenceId, this.owner, { finishedAt: this.infra.clock.now().toISOString(), escalated: outcomes.length - failed, failed, digests });
    if (failed) this.log.write('warn', 'escalation e-mails failed', { occurrenceId, failed, of: outcomes.length, correlationId });
  }

  private facts(o: OccurrenceDoc): AlertFacts {
    return { title: o.title, body: o.body, severity: o.severity, sentAt: o.sentAt, ...(this.infra.env.PUBLIC_URL ? { link: this.infra.env.PUBLIC_URL } : {}) };
  }

  /** One e-mail per person to their directory address; a person without one is recorded as failed, not skipped. */
  private async emailPeople(facts: AlertFacts, userIds: string[], people: Map<string, Person>, at: string): Promise<Map<string, EscalationRecord>> {
    const records = new Map<string, EscalationRecord>();
    const reachable = userIds.filter((u) => people.get(u)?.mail);
    for (const u of userIds) if (!people.get(u)?.mail) records.set(u, { at, channel: 'email', state: 'failed', attempts: 0, error: people.has(u) ? 'no e-mail address in the directory' : 'not in the directory' });
    const outgoing = reachable.map((u) => ({ to: people.get(u)!.mail!, ...recipientMail(facts, people.get(u)!) }));
    const outcomes = await this.send(outgoing, 'recipient');
    reachable.forEach((u, i) => records.set(u, this.toRecord(at, 'email', outgoing[i].to, outcomes[i])));
    return records;
  }

  /** One digest per manager (directory `manager` attribute) listing their reports who have not answered. */
  private async emailManagers(facts: AlertFacts, userIds: string[], people: Map<string, Person>): Promise<DigestRecord[]> {
    const byManager = new Map<string, { manager: NonNullable<Person['manager']>; reports: Person[] }>();
    for (const u of userIds) {
      const p = people.get(u);
      if (!p?.manager) continue;
      const key = p.manager.id ?? p.manager.dn;
      const entry = byManager.get(key) ?? { manager: p.manager, reports: [] };
      entry.reports.push(p);
      byManager.set(key, entry);
    }
    const groups = [...byManager.entries()];
    const withMail = groups.filter(([, g]) => g.manager.mail);
    const outgoing: OutgoingMail[] = withMail.map(([, g]) => ({ to: g.manager.mail!, ...managerDigest(facts, g.manager, g.reports) }));
    const outcomes = await this.send(outgoing, 'manager');
    const sentTo = new Map(withMail.map(([key], i) => [key, outcomes[i]]));
    return groups.map(([key, g]) => {
      const o = sentTo.get(key) ?? { ok: false, attempts: 0, error: 'the manager has no e-mail address in the directory' };
      return { managerId: key, to: g.manager.mail ?? null, reports: g.reports.map((r) => r.id).sort(), state: o.ok ? 'sent' : 'failed', attempts: o.attempts, ...(o.error && !o.ok ? { error: o.error } : {}) };
    });
  }

  /** With `email: false`, a person's escalation is their manager's digest. */
  private managerOnlyRecord(userId: string, people: Map<string, Person>, digests: DigestRecord[], at: string): EscalationRecord {
    const m = people.get(userId)?.manager;
    const d = m ? digests.find((x) => x.managerId === (m.id ?? m.dn)) : undefined;
    if (!d) return { at, channel: 'manager', state: 'failed', attempts: 0, error: 'no manager in the directory' };
    return { at, channel: 'manager', state: d.state, attempts: d.attempts, ...(d.to ? { to: d.to } : {}), ...(d.error ? { error: d.error } : {}) };
  }

  private async send(outgoing: OutgoingMail[], kind: 'recipient' | 'manager'): Promise<SendOutcome[]> {
    if (!outgoing.length) return [];
    // Configured on the composer but not here: recorded as failed, never dropped.
    if (!this.mailer) return outgoing.map(() => ({ ok: false, attempts: 0, error: 'SMTP is not configured on the delivery service (SMTP_URL)' }));
    const outcomes = await sendAll(this.mailer, outgoing, this.infra.env.SMTP_MAX_ATTEMPTS, this.infra.env.SMTP_RETRY_DELAY_MS);
    for (const o of outcomes) mails.inc({ kind, outcome: o.ok ? 'sent' : 'failed' });
    return outcomes;
  }

  private toRecord(at: string, channel: EscalationRecord['channel'], to: string, o: SendOutcome): EscalationRecord {
    return { at, channel, to, state: o.ok ? 'sent' : 'failed', attempts: o.attempts, ...(o.ok ? {} : { error: o.error ?? 'unknown error' }) };
  }
}
