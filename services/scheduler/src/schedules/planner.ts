import { Inject, Injectable } from '@nestjs/common';
import { EscalationPolicy, ExpiryRequested, occurrenceIdAt } from '@herald/contracts';
import { z } from 'zod';
import { Infra, INFRA } from '@herald/runtime';
import { JobDoc, ScheduleDoc, ScheduleRepository } from './schedule.repository';
import { firingsAfter, occurrenceEnd } from './recurrence';

/** The `scheduleId` the retention jobs are filed under (no alert id contains ':'). */
export const PURGE_SCHEDULE_ID = 'scheduler:retention';

/**
 * Turns a schedule into jobs, one firing ahead: the next firing job, and when it fires, the expiry and reminder
 * jobs of that occurrence. Job ids are deterministic (kind, occurrence, schedule version), so replicas that plan
 * the same thing at the same time write one document.
 */
@Injectable()
export class SchedulePlanner {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: ScheduleRepository) {}

  /** Plans the first firing strictly after `after`, or marks the schedule done when there is none. */
  async planNext(s: ScheduleDoc, after: Date): Promise<string | null> {
    const [next] = firingsAfter(s.plan, after, 1);
    const now = this.infra.clock.now().toISOString();
    if (!next) {
      await this.repo.updateSchedule(s._id, s.version, { status: 'done', nextFireAt: null, updatedAt: now });
      return null;
    }
    await this.repo.addJobs([this.fireJob(s, next)]);
    await this.repo.updateSchedule(s._id, s.version, { nextFireAt: next.toISOString() });
    return next.toISOString();
  }

  /** The expiry, reminder and escalation jobs (those inside the window) of an occurrence that just fired. */
  followUps(job: JobDoc, s: ScheduleDoc): JobDoc[] {
    const out: JobDoc[] = [{ ...job, _id: `expire:${job.occurrenceId}`, kind: 'expire', dueAt: job.validUntil, attempt: 0, leaseUntil: null, finishedAt: null, state: 'pending' }];
    const r = s.plan.reminders;
    if (!r) return out;
    const firing = Date.parse(job.dueAt);
    for (let n = 1; n <= r.maxCount; n++) {
      const dueAt = new Date(firing + n * r.everyMinutes * 60_000).toISOString();
      if (dueAt >= job.validUntil) break;
      out.push({ ...job, _id: `remind:${job.occurrenceId}:${n}`, kind: 'remind', dueAt, n, attempt: 0, leaseUntil: null, finishedAt: null, state: 'pending' });
    }
    return [...out, ...this.escalation(job, s.escalation)];
  }

  /** The jobs of an occurrence sent now (no schedule: they are filed under the alert id): its expiry and its escalation. */
  sentNow(m: z.infer<typeof ExpiryRequested.schema>): JobDoc[] {
    const expiry: JobDoc = { _id: `expire:${m.occurrenceId}`, kind: 'expire', scheduleId: m.alertId, alertId: m.alertId, occurrenceId: m.occurrenceId, dueAt: m.validUntil, validUntil: m.validUntil, version: 0, n: 0, state: 'pending', attempt: 0, leaseUntil: null, finishedAt: null };
    return [expiry, ...(m.sentAt ? this.escalation({ ...expiry, dueAt: m.sentAt }, m.escalation) : [])];
  }

  /** The escalation job of an occurrence, `afterMinutes` after it fired, if that falls inside its window. */
  private escalation(fired: JobDoc, policy: EscalationPolicy | null | undefined): JobDoc[] {
    if (!policy) return [];
    const dueAt = new Date(Date.parse(fired.dueAt) + policy.afterMinutes * 60_000).toISOString();
    if (dueAt >= fired.validUntil) return [];
    return [{ ...fired, _id: `escalate:${fired.occurrenceId}`, kind: 'escalate', dueAt, n: 0, escalation: policy, attempt: 0, leaseUntil: null, finishedAt: null, state: 'pending' }];
  }

  /** The retention job of a purge slot; the id is the slot, so replicas planning it write one document. */
  purgeJob(dueAt: Date): JobDoc {
    const at = dueAt.toISOString();
    return { _id: `purge:${at}`, kind: 'purge', scheduleId: PURGE_SCHEDULE_ID, alertId: '', occurrenceId: '', dueAt: at, validUntil: at, version: 0, n: 0, state: 'pending', attempt: 0, leaseUntil: null, finishedAt: null };
  }

  private fireJob(s: ScheduleDoc, firing: Date): JobDoc {
    const occurrenceId = occurrenceIdAt(s.alertId, firing);
    return {
      _id: `fire:${occurrenceId}#v${s.version}`,
      kind: 'fire',
      scheduleId: s._id,
      alertId: s.alertId,
      occurrenceId,
      dueAt: firing.toISOString(),
      validUntil: occurrenceEnd(s.plan, firing, this.infra.env.ALERT_DEFAULT_VALIDITY_HOURS * 3_600_000).toISOString(),
      version: s.version,
      n: 0,
      state: 'pending',
      attempt: 0,
      leaseUntil: null,
      finishedAt: null,
    };
  }
}
