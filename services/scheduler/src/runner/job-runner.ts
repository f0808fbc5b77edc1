import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dispatchContractFor, EscalationDue, ExpiryDue, ReminderDue } from '@herald/contracts';
import { counter, JsonLogger } from '@herald/observability';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { JobDoc, ScheduleRepository } from '../schedules/schedule.repository';
import { SchedulePlanner } from '../schedules/planner';
import { SchedulerPurge } from '../retention/purge';

const TICK = 'herald-scheduler-tick';
const runs = counter('herald_scheduler_jobs_total', 'Scheduler jobs run, by kind and outcome', ['kind', 'outcome']);

/**
 * Every SCHEDULER_TICK_MS, runs the jobs that are due. Any number of replicas may tick at once: a job runs only
 * for the replica whose claim insert won (unique `<jobId>/<attempt>`), and a claim is a lease — if its holder
 * dies, the job is claimed again after SCHEDULER_LEASE_MS. Downstream (delivery) is idempotent per occurrence
 * id, so a re-run after a crash delivers nothing twice.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private running?: Promise<number>;
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly log: JsonLogger;

  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: ScheduleRepository, private readonly planner: SchedulePlanner, private readonly audit: AuditTrail, private readonly registry: SchedulerRegistry, private readonly purge: SchedulerPurge) {
    this.log = infra.logger('scheduler');
  }

  async onApplicationBootstrap(): Promise<void> {
    // The retention job plans its own successor; this files the first one (or finds it already filed).
    await this.repo.addJobs([this.planner.purgeJob(this.purge.nextSlot(this.infra.clock.now()))]);
    // Registered with @nestjs/schedule so the interval is visible in its registry and cleared with the module.
    const timer = setInterval(() => void this.tick().catch((err: Error) => this.log.write('error', 'scheduler tick failed', { error: err.message })), this.infra.env.SCHEDULER_TICK_MS);
    this.registry.addInterval(TICK, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', TICK)) this.registry.deleteInterval(TICK);
    await this.running?.catch(() => 0);
  }

  /** Runs every job due now (including jobs that running them made due, e.g. catching up after downtime); returns how many firings, reminders and expiries this replica ran (the retention job is not counted). */
  tick(): Promise<number> {
    // One tick at a time per replica; a caller arriving mid-tick waits for that tick.
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<number> {
    let ran = 0;
    for (let pass = 0; pass < 50; pass++) {
      const now = this.infra.clock.now();
      const due = (await this.repo.dueJobs(now.toISOString(), 200)).filter((j) => !j.leaseUntil || j.leaseUntil <= now.toISOString());
      let ranThisPass = 0;
      for (const job of due) {
        const leaseUntil = new Date(now.getTime() + this.infra.env.SCHEDULER_LEASE_MS).toISOString();
        if (!(await this.repo.claim(job, this.owner, now.toISOString(), leaseUntil))) continue;
        try {
          await this.run(job, now);
          ranThisPass++;
          if (job.kind !== 'purge') ran++;
        } catch (err) {
          // The job keeps its lease and is claimed again when it ends; the others in this tick still run.
          runs.inc({ kind: job.kind, outcome: 'error' });
          this.log.write('error', 'scheduler job failed; retried after its lease', { job: job._id, error: (err as Error).message });
        }
      }
      if (!ranThisPass) break;
    }
    return ran;
  }

  private async run(job: JobDoc, now: Date): Promise<void> {
    const outcome = job.kind === 'fire' ? await this.fire(job, now) : job.kind === 'purge' ? await this.retention(now) : await this.followUp(job);
    await this.repo.finish(job._id, outcome, now.toISOString());
    runs.inc({ kind: job.kind, outcome });
  }

  /** Fires an occurrence, or records it as missed when it is too late (policy SCHEDULER_MISSED_FIRINGS), then plans the next. */
  private async fire(job: JobDoc, now: Date): Promise<'fired' | 'missed' | 'cancelled'> {
    const s = await this.repo.getSchedule(job.scheduleId);
    if (!s || s.status !== 'active' || s.version !== job.version) return 'cancelled';
    const lateMs = now.getTime() - Date.parse(job.dueAt);
    const stillValid = job.validUntil > now.toISOString();
    const missed = !stillValid || (lateMs > this.infra.env.SCHEDULER_MISSED_AFTER_MS && this.infra.env.SCHEDULER_MISSED_FIRINGS === 'skip');
    const correlationId = job.occurrenceId;
    if (missed) {
      await this.audit.record([{ id: `${job.occurrenceId}:missed`, actor: 'system', action: 'occurrence.missed', subject: `occurrence:${job.occurrenceId}`, alertId: job.alertId, correlationId, details: { dueAt: job.dueAt, lateMs, validUntil: job.validUntil } }], correlationId);
    } else {
      await this.infra.bus.publish(dispatchContractFor(s.content.severity), { alertId: job.alertId, occurrenceId: job.occurrenceId, content: s.content, audience: s.audience, validUntil: job.validUntil, requestedBy: s.createdBy }, { correlationId });
      await this.repo.addJobs(this.planner.followUps(job, s));
      await this.repo.updateSchedule(s._id, s.version, { lastFiredAt: job.dueAt });
      await this.audit.record([{ id: `${job.occurrenceId}:fired`, actor: 'system', action: 'occurrence.fired', subject: `occurrence:${job.occurrenceId}`, alertId: job.alertId, correlationId, details: { dueAt: job.dueAt, lateMs, validUntil: job.validUntil } }], correlationId);
    }
    await this.planner.planNext(s, new Date(job.dueAt));
    return missed ? 'missed' : 'fired';
  }

  /** Runs the retention purge and files the next one (the first slot after now, so a long downtime runs it once). */
  private async retention(now: Date): Promise<'done'> {
    const result = await this.purge.run(now);
    this.log.write('info', 'scheduler retention purge', { ...result });
    await this.repo.addJobs([this.planner.purgeJob(this.purge.nextSlot(now))]);
    return 'done';
  }

  private async followUp(job: JobDoc): Promise<'done'> {
    const correlationId = job.occurrenceId;
    if (job.kind === 'expire') await this.infra.bus.publish(ExpiryDue, { alertId: job.alertId, occurrenceId: job.occurrenceId }, { correlationId });
    else if (job.kind === 'escalate') await this.infra.bus.publish(EscalationDue, { alertId: job.alertId, occurrenceId: job.occurrenceId, policy: job.escalation! }, { correlationId });
    else await this.infra.bus.publish(ReminderDue, { alertId: job.alertId, occurrenceId: job.occurrenceId, n: job.n }, { correlationId });
    return 'done';
  }
}
