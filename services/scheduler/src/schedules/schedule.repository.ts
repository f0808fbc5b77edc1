import { AlertContent, Audience, EscalationPolicy, ScheduleSpec, ScheduleStatus } from '@herald/contracts';
import { Collection, Store } from '@herald/persistence';
import { Plan } from './recurrence';

export interface ScheduleDoc {
  /** The alert id: one schedule per alert, so a retried create finds the first one. */
  _id: string;
  alertId: string;
  content: AlertContent;
  audience: Audience;
  spec: ScheduleSpec;
  plan: Plan;
  /** Escalation of whoever has not settled an occurrence (absent on schedules written before it existed). */
  escalation?: EscalationPolicy | null;
  status: ScheduleStatus;
  /** Bumped by every edit/pause/resume/cancel; a firing job planned under an older version does nothing. */
  version: number;
  nextFireAt: string | null;
  lastFiredAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** `purge` is the scheduler's own retention job (services/scheduler/src/retention), not tied to a schedule. */
export type JobKind = 'fire' | 'remind' | 'expire' | 'escalate' | 'purge';
export type JobState = 'pending' | 'fired' | 'missed' | 'done' | 'cancelled';

/** One unit of timed work with a deterministic id, so every replica planning it writes the same document. */
export interface JobDoc {
  _id: string;
  kind: JobKind;
  scheduleId: string;
  alertId: string;
  occurrenceId: string;
  dueAt: string;
  /** End of the occurrence's validity window. */
  validUntil: string;
  version: number;
  n: number;
  /** The policy an `escalate` job applies. */
  escalation?: EscalationPolicy;
  state: JobState;
  /** Claims taken so far; the next claim is `<jobId>/<attempt + 1>`. */
  attempt: number;
  leaseUntil: string | null;
  finishedAt: string | null;
}

/** A claim on one attempt of a job. Its `_id` is unique, so exactly one replica's insert succeeds. */
export interface ClaimDoc {
  _id: string;
  owner: string;
  at: string;
}

/** Schedules, their jobs and the claims that make each job run once across replicas. */
export class ScheduleRepository {
  private constructor(private readonly schedules: Collection<ScheduleDoc>, private readonly jobs: Collection<JobDoc>, private readonly claims: Collection<ClaimDoc>) {}

  static async open(store: Store): Promise<ScheduleRepository> {
    return new ScheduleRepository(
      await store.collection<ScheduleDoc>({ name: 'schedules', indexes: [['status']] }),
      await store.collection<JobDoc>({ name: 'jobs', indexes: [['state', 'dueAt'], ['scheduleId', 'state']] }),
      await store.collection<ClaimDoc>({ name: 'claims', indexes: [] }),
    );
  }

  async insertSchedule(doc: ScheduleDoc): Promise<boolean> {
    return (await this.schedules.insertNew([doc])) === 1;
  }

  getSchedule(id: string): Promise<ScheduleDoc | null> {
    return this.schedules.findOne({ _id: id });
  }

  listSchedules(status?: ScheduleStatus): Promise<ScheduleDoc[]> {
    return this.schedules.find(status ? { status } : {}, { sort: [['createdAt', -1]], limit: 1_000 });
  }

  /** Updates a schedule only if nobody changed it since `version` was read. */
  async updateSchedule(id: string, version: number, set: Partial<ScheduleDoc>): Promise<boolean> {
    return (await this.schedules.updateWhere([{ filter: { _id: id, version }, set }])) === 1;
  }

  async addJobs(jobs: JobDoc[]): Promise<number> {
    return this.jobs.insertNew(jobs);
  }

  /** Pending jobs due at `now`, oldest first. */
  dueJobs(now: string, limit: number): Promise<JobDoc[]> {
    return this.jobs.find({ state: 'pending', dueAt: { $lte: now } }, { sort: [['dueAt', 1]], limit });
  }

  /** Takes the next attempt of a job; true for exactly one caller per attempt. */
  async claim(job: JobDoc, owner: string, now: string, leaseUntil: string): Promise<boolean> {
    const attempt = job.attempt + 1;
    if ((await this.claims.insertNew([{ _id: `${job._id}/${attempt}`, owner, at: now }])) !== 1) return false;
    await this.jobs.updateWhere([{ filter: { _id: job._id, attempt: { $lt: attempt } }, set: { attempt, leaseUntil } }]);
    return true;
  }

  async finish(jobId: string, state: Exclude<JobState, 'pending'>, at: string): Promise<void> {
    await this.jobs.updateWhere([{ filter: { _id: jobId, state: 'pending' }, set: { state, finishedAt: at } }]);
  }

  /** Cancels the pending jobs of a schedule of the given kinds; returns how many. */
  cancelJobs(scheduleId: string, kinds: JobKind[], at: string): Promise<number> {
    return this.jobs.updateWhere(kinds.map((kind) => ({ filter: { scheduleId, state: 'pending', kind }, set: { state: 'cancelled' as const, finishedAt: at } })));
  }

  /** Finished jobs (any state but pending) that ended before `cutoff`, `batch` at a time. */
  finishedBefore(cutoff: string, batch: number): AsyncIterable<JobDoc[]> {
    return this.jobs.stream({ finishedAt: { $lt: cutoff } }, batch);
  }

  /** Claims taken before `cutoff`, `batch` at a time. */
  claimsBefore(cutoff: string, batch: number): AsyncIterable<ClaimDoc[]> {
    return this.claims.stream({ at: { $lt: cutoff } }, batch);
  }

  /** Of these job ids, the ones still pending (their claims must stay: they are the run-once guard). */
  async pendingAmong(jobIds: string[]): Promise<Set<string>> {
    if (!jobIds.length) return new Set();
    return new Set((await this.jobs.find({ _id: { $in: jobIds }, state: 'pending' })).map((j) => j._id));
  }

  /** Deletes finished jobs by id (never a pending one). */
  deleteFinishedJobs(ids: string[]): Promise<number> {
    return ids.length ? this.jobs.deleteWhere({ _id: { $in: ids }, state: { $ne: 'pending' } }) : Promise.resolve(0);
  }

  deleteClaims(ids: string[]): Promise<number> {
    return ids.length ? this.claims.deleteWhere({ _id: { $in: ids } }) : Promise.resolve(0);
  }

  /** Done or cancelled schedules last changed before `cutoff`. */
  endedSchedulesBefore(cutoff: string, limit: number): Promise<ScheduleDoc[]> {
    return this.schedules.find({ status: { $in: ['done', 'cancelled'] }, updatedAt: { $lt: cutoff } }, { limit });
  }

  /** Deletes an ended schedule, unless a job of it is still pending (a last expiry) or it changed meanwhile. */
  async deleteEndedSchedule(s: ScheduleDoc): Promise<boolean> {
    if ((await this.jobs.count({ scheduleId: s._id, state: 'pending' })) > 0) return false;
    return (await this.schedules.deleteWhere({ _id: s._id, version: s.version, updatedAt: s.updatedAt })) === 1;
  }

  /** The latest `limit` jobs of a schedule, oldest first. */
  async jobsOf(scheduleId: string, limit = 200): Promise<JobDoc[]> {
    return (await this.jobs.find({ scheduleId }, { sort: [['dueAt', -1]], limit })).reverse();
  }
}
