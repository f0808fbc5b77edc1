import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { JobDoc, ScheduleRepository } from '../schedules/schedule.repository';

const BATCH = 500;
const DAY_MS = 86_400_000;

export interface PurgeResult {
  cutoff: string;
  jobs: number;
  claims: number;
  schedules: number;
}

/**
 * Retention of the scheduler's store. FerretDB v1 has no TTL indexes, so finished work is deleted by this explicit
 * job, which runs as a scheduler job itself (`purge:<slot>`, one per SCHEDULER_PURGE_INTERVAL_HOURS, claimed like
 * any job, so one replica runs it). It deletes, when older than SCHEDULER_RETENTION_DAYS:
 * - finished jobs (fired, missed, done, cancelled: the record of each occurrence's firing, reminders, expiry);
 * - claims, except those of a job still pending (they are what makes a job run once);
 * - done or cancelled schedules with no pending job left.
 * What was sent stays in delivery (occurrences, deliveries) and in the audit trail, which have their own retention.
 */
@Injectable()
export class SchedulerPurge {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: ScheduleRepository, private readonly audit: AuditTrail) {}

  async run(now: Date): Promise<PurgeResult> {
    const cutoff = new Date(now.getTime() - this.infra.env.SCHEDULER_RETENTION_DAYS * DAY_MS).toISOString();
    const claims = await this.purgeClaims(cutoff);
    let jobs = 0;
    for await (const batch of this.repo.finishedBefore(cutoff, BATCH)) jobs += await this.repo.deleteFinishedJobs(batch.map((j: JobDoc) => j._id));
    let schedules = 0;
    for (const s of await this.repo.endedSchedulesBefore(cutoff, 10_000)) if (await this.repo.deleteEndedSchedule(s)) schedules++;
    const result = { cutoff, jobs, claims, schedules };
    await this.audit.record([{ id: `scheduler:purged:${now.toISOString()}`, actor: 'system', action: 'schedule.purged', subject: 'scheduler', details: { ...result, retentionDays: this.infra.env.SCHEDULER_RETENTION_DAYS } }]);
    return result;
  }

  /** The next purge slot strictly after `now` (slots are whole intervals since the epoch, the same on every replica). */
  nextSlot(now: Date): Date {
    const interval = this.infra.env.SCHEDULER_PURGE_INTERVAL_HOURS * 3_600_000;
    return new Date((Math.floor(now.getTime() / interval) + 1) * interval);
  }

  private async purgeClaims(cutoff: string): Promise<number> {
    let deleted = 0;
    for await (const batch of this.repo.claimsBefore(cutoff, BATCH)) {
      const jobOf = (claimId: string) => claimId.slice(0, claimId.lastIndexOf('/'));
      const pending = await this.repo.pendingAmong([...new Set(batch.map((c) => jobOf(c._id)))]);
      deleted += await this.repo.deleteClaims(batch.filter((c) => !pending.has(jobOf(c._id))).map((c) => c._id));
    }
    return deleted;
  }
}
