import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ConflictError, CreateSchedule, ExpiryRequested, NotFoundError, occurrenceIdAt, ScheduleSpec, ScheduleView, UpdateScheduleContent } from '@herald/contracts';
import { Principal, requireRole } from '@herald/auth';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { ScheduleDoc, ScheduleRepository } from './schedule.repository';
import { SchedulePlanner } from './planner';
import { firingsAfter, occurrenceEnd, planFrom } from './recurrence';

type CreateRequest = z.infer<typeof CreateSchedule.request>;
type ContentUpdate = z.infer<typeof UpdateScheduleContent.request>;

export interface UpcomingOccurrence {
  scheduleId: string;
  alertId: string;
  title: string;
  severity: string;
  occurrenceId: string;
  at: string;
  validUntil: string;
}

const view = (s: ScheduleDoc): ScheduleView => ({
  id: s._id,
  alertId: s.alertId,
  title: s.content.title,
  status: s.status,
  spec: s.spec,
  timezone: s.plan.timezone,
  nextFireAt: s.nextFireAt,
  lastFiredAt: s.lastFiredAt,
  createdBy: s.createdBy,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

/** Schedules: created by the composer (over the bus), listed, edited, paused, resumed and cancelled by admins. */
@Injectable()
export class SchedulesService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: ScheduleRepository, private readonly planner: SchedulePlanner, private readonly audit: AuditTrail) {}

  async create(req: CreateRequest): Promise<ScheduleView> {
    const now = this.infra.clock.now();
    const plan = planFrom(req.spec, now);
    const doc: ScheduleDoc = { _id: req.alertId, alertId: req.alertId, content: req.content, audience: req.audience, spec: req.spec, plan, escalation: req.escalation ?? null, status: 'active', version: 1, nextFireAt: null, lastFiredAt: null, createdBy: req.requestedBy, createdAt: now.toISOString(), updatedAt: now.toISOString() };
    if (!(await this.repo.insertSchedule(doc))) {
      // A retried request finds its own schedule; a different one for the same alert is a conflict.
      const existing = (await this.repo.getSchedule(req.alertId))!;
      if (JSON.stringify(existing.spec) !== JSON.stringify(req.spec)) throw new ConflictError(`alert ${req.alertId} is already scheduled; edit /api/schedules/${req.alertId} instead`);
      return view(existing);
    }
    await this.planner.planNext(doc, this.firstBound(doc, now));
    await this.audit.record([{ id: `${doc._id}:scheduled`, actor: req.requestedBy, action: 'schedule.created', subject: `schedule:${doc._id}`, alertId: doc.alertId, details: { spec: req.spec, timezone: plan.timezone } }]);
    return view((await this.repo.getSchedule(doc._id))!);
  }

  async list(p: Principal): Promise<ScheduleView[]> {
    requireRole(p, 'admin', 'listing schedules');
    return (await this.repo.listSchedules()).map(view);
  }

  async get(p: Principal, id: string): Promise<ScheduleView & { jobs: { kind: string; occurrenceId: string; dueAt: string; state: string }[] }> {
    requireRole(p, 'admin', 'reading a schedule');
    const s = await this.find(id);
    const jobs = (await this.repo.jobsOf(id)).map((j) => ({ kind: j.kind, occurrenceId: j.occurrenceId, dueAt: j.dueAt, state: j.state, ...(j.kind === 'remind' ? { n: j.n } : {}) }));
    return { ...view(s), jobs };
  }

  /** The next firings of every active schedule, soonest first. */
  async upcoming(p: Principal, q: { limit: number; until?: string }): Promise<{ occurrences: UpcomingOccurrence[] }> {
    requireRole(p, 'admin', 'listing upcoming occurrences');
    const now = this.infra.clock.now();
    const until = q.until ?? '9999-12-31T23:59:59.999Z';
    const defaultMs = this.infra.env.ALERT_DEFAULT_VALIDITY_HOURS * 3_600_000;
    const all = (await this.repo.listSchedules('active')).flatMap((s) =>
      firingsAfter(s.plan, new Date(Math.min(now.getTime(), Date.parse(s.nextFireAt ?? s.plan.start)) - 1), q.limit)
        .filter((t) => t.toISOString() <= until)
        .map((t) => ({ scheduleId: s._id, alertId: s.alertId, title: s.content.title, severity: s.content.severity, occurrenceId: occurrenceIdAt(s.alertId, t), at: t.toISOString(), validUntil: occurrenceEnd(s.plan, t, defaultMs).toISOString() })),
    );
    return { occurrences: all.sort((a, b) => a.at.localeCompare(b.at)).slice(0, q.limit) };
  }

  /** Replaces the timing of a schedule; firings already planned under the old timing are cancelled. */
  async edit(p: Principal, id: string, spec: ScheduleSpec): Promise<ScheduleView> {
    requireRole(p, 'admin', 'editing a schedule');
    const now = this.infra.clock.now();
    const s = await this.find(id);
    if (s.status === 'cancelled' || s.status === 'done') throw new ConflictError(`schedule ${id} is ${s.status}`);
    const plan = planFrom(spec, now);
    return this.transition(p, s, { spec, plan, status: s.status }, 'schedule.edited', s.status === 'active');
  }

  /**
   * New content for the occurrences that have not fired yet (the composer validated, sanitised and authorised it).
   * The timing and version stay, so planned firings keep their ids; a firing reads the content when it fires, and
   * an occurrence already fired keeps, in delivery, the content it was sent with.
   */
  async updateContent(req: ContentUpdate): Promise<ScheduleView> {
    const s = await this.find(req.alertId);
    if (s.status === 'cancelled' || s.status === 'done') throw new ConflictError(`schedule ${s._id} is ${s.status}: nothing left to edit`);
    if (!(await this.repo.updateSchedule(s._id, s.version, { content: req.content, audience: req.audience, updatedAt: this.infra.clock.now().toISOString() }))) {
      // Nothing changed is fine (the same edit repeated); a concurrent timing edit or cancel is not.
      const now = await this.find(req.alertId);
      if (now.version !== s.version || now.status !== s.status) throw new ConflictError(`schedule ${s._id} changed meanwhile; retry`);
    }
    return view((await this.repo.getSchedule(s._id))!);
  }

  async pause(p: Principal, id: string): Promise<ScheduleView> {
    requireRole(p, 'admin', 'pausing a schedule');
    const s = await this.find(id);
    if (s.status !== 'active') throw new ConflictError(`schedule ${id} is ${s.status}, not active`);
    return this.transition(p, s, { status: 'paused', nextFireAt: null }, 'schedule.paused', false);
  }

  /** Resumes from now on: firings that fell inside the pause are not made up. */
  async resume(p: Principal, id: string): Promise<ScheduleView> {
    requireRole(p, 'admin', 'resuming a schedule');
    const s = await this.find(id);
    if (s.status !== 'paused') throw new ConflictError(`schedule ${id} is ${s.status}, not paused`);
    return this.transition(p, s, { status: 'active' }, 'schedule.resumed', true);
  }

  async cancel(p: Principal, id: string): Promise<ScheduleView> {
    requireRole(p, 'admin', 'cancelling a schedule');
    const s = await this.find(id);
    if (s.status === 'cancelled') return view(s);
    return this.transition(p, s, { status: 'cancelled', nextFireAt: null }, 'schedule.cancelled', false);
  }

  /** Recall: no more firings or reminders. Expiry jobs stay, so screens still clear at the end of each window. */
  async cancelForRecall(alertId: string, requestedBy: string): Promise<{ cancelledJobs: number }> {
    const s = await this.repo.getSchedule(alertId);
    if (!s) return { cancelledJobs: 0 };
    const now = this.infra.clock.now().toISOString();
    await this.repo.updateSchedule(s._id, s.version, { status: 'cancelled', version: s.version + 1, nextFireAt: null, updatedAt: now });
    const cancelledJobs = await this.repo.cancelJobs(alertId, ['fire', 'remind', 'escalate'], now);
    await this.audit.record([{ id: `${alertId}:schedule-recalled`, actor: requestedBy, action: 'schedule.cancelled', subject: `schedule:${alertId}`, alertId, details: { reason: 'recall', cancelledJobs } }]);
    return { cancelledJobs };
  }

  /** Files the expiry (and the escalation, if any) of an occurrence sent now; idempotent (deterministic job ids). */
  async trackSent(m: z.infer<typeof ExpiryRequested.schema>): Promise<void> {
    await this.repo.addJobs(this.planner.sentNow(m));
  }

  /**
   * Moves a schedule to a new version: pending firings of the old version are cancelled (a firing already claimed
   * sees the version change and does nothing), and an active schedule gets its next firing planned from now.
   */
  private async transition(p: Principal, s: ScheduleDoc, set: Partial<ScheduleDoc>, action: string, replan: boolean): Promise<ScheduleView> {
    const now = this.infra.clock.now();
    const next: ScheduleDoc = { ...s, ...set, version: s.version + 1, updatedAt: now.toISOString() };
    if (!(await this.repo.updateSchedule(s._id, s.version, { ...set, version: next.version, updatedAt: next.updatedAt }))) throw new ConflictError(`schedule ${s._id} changed meanwhile; retry`);
    await this.repo.cancelJobs(s._id, ['fire'], now.toISOString());
    if (replan) await this.planner.planNext(next, this.firstBound(next, now));
    await this.audit.record([{ id: `${s._id}:v${next.version}`, actor: p.userId, action, subject: `schedule:${s._id}`, alertId: s.alertId, details: { version: next.version, ...(set.spec ? { spec: set.spec } : {}) } }]);
    return view((await this.repo.getSchedule(s._id))!);
  }

  /** Plan from: a one-shot fires at its start; a recurrence picks up from now (its anchor may lie in the past). */
  private firstBound(s: ScheduleDoc, now: Date): Date {
    return new Date((s.plan.rrule ? now.getTime() : Math.min(now.getTime(), Date.parse(s.plan.start))) - 1);
  }

  private async find(id: string): Promise<ScheduleDoc> {
    const s = await this.repo.getSchedule(id);
    if (!s) throw new NotFoundError(`schedule ${id} not found`);
    return s;
  }
}
