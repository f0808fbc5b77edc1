import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadEnv } from '@herald/config';
import { bootHerald, createInfra, ManualClock, RunningHerald } from '@herald/runtime';
import { DEMO_LDIF, login, Recipient } from '@herald/testing';
import { ALL_SERVICES } from '../../single-node/src/services';
import { JobRunner } from '../src/runner/job-runner';

/**
 * The stores a clocked test runs against: the embedded SQLite store, and MongoDB's wire protocol (FerretDB v1 in
 * CI, MONGODB_URL) in throw-away databases — queries that only one of them answers right show up here.
 */
export const STORE_VARIANTS: { name: string; env: () => Record<string, string> }[] = [
  { name: 'SQLite', env: () => ({}) },
  { name: 'MongoDB wire (FerretDB)', env: () => ({ HERALD_STORE: 'mongodb', MONGODB_URL: process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27017', MONGODB_DB_PREFIX: `t${randomBytes(4).toString('hex')}_`, AUDIT_SIGNING_KEY: randomBytes(32).toString('hex') }) },
];

/**
 * Every service in this process (in-process bus, SQLite, demo LDIF directory) on a ManualClock, with the
 * scheduler's own timer effectively off: a test moves the clock and calls `tick()`, so hours pass in milliseconds.
 */
export class ClockedHerald {
  readonly sockets: Recipient[] = [];
  private admin = '';
  private constructor(readonly herald: RunningHerald, readonly clock: ManualClock, private readonly dataDir: string) {}

  static async start(extraEnv: Record<string, string> = {}): Promise<ClockedHerald> {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-clock-'));
    const env = loadEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', SQLITE_DIR: dataDir, DIRECTORY_LDIF: DEMO_LDIF(), SCHEDULER_TICK_MS: '3600000', RECEIPT_BATCH_MS: '5', ...extraEnv });
    const infra = await createInfra(env, 'clocked-test');
    // Whole seconds, so firing times read cleanly in assertions.
    const clock = new ManualClock(new Date(Math.ceil(Date.now() / 1000) * 1000));
    infra.clock = clock;
    const h = new ClockedHerald(await bootHerald('clocked-test', ALL_SERVICES, infra), clock, dataDir);
    h.admin = await login(() => h.url, 'carol');
    return h;
  }

  get url(): string {
    return this.herald.url;
  }

  /** Runs the scheduler's due jobs now (what its timer does every SCHEDULER_TICK_MS). */
  tick(): Promise<number> {
    return this.herald.app.get(JobRunner).tick();
  }

  /** Advances the clock by `minutes` and ticks. */
  async advance(minutes: number): Promise<number> {
    this.clock.advance(minutes * 60_000);
    return this.tick();
  }

  /** An authenticated admin request. */
  api(method: 'get' | 'post' | 'patch' | 'delete', path: string): request.Test {
    return request(this.url)[method](path).set('authorization', `Bearer ${this.admin}`);
  }

  async connect(user: string): Promise<Recipient> {
    const r = await Recipient.connect(this.url, await login(() => this.url, user));
    this.sockets.push(r);
    return r;
  }

  /** Creates an alert for `audience` and sends it with `options`; returns the alert id. */
  async sendAlert(options: Record<string, unknown>, overrides: Record<string, unknown> = {}): Promise<string> {
    const created = await this.api('post', '/api/alerts').send({ title: 'Scheduled', body: '<p>b</p>', severity: 'warning', audience: { users: [], groups: ['engineering'] }, ...overrides }).expect(201);
    await this.api('post', `/api/alerts/${created.body.id}/send`).send(options).expect(202);
    return created.body.id as string;
  }

  iso(minutesFromNow: number): string {
    return new Date(this.clock.now().getTime() + minutesFromNow * 60_000).toISOString();
  }

  async close(): Promise<void> {
    this.sockets.forEach((s) => s.close());
    await this.herald.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
