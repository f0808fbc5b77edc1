import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@herald/testing';
import { ScheduleRepository } from '../src/schedules/schedule.repository';
import { ClockedHerald, STORE_VARIANTS } from './clocked-herald';

const DAY = 24 * 60;

/** The scheduler's retention job (no TTL indexes on FerretDB v1): runs on its own schedule, on the ManualClock. */
for (const store of STORE_VARIANTS) describe(`scheduler retention purge (in-process, ManualClock, ${store.name})`, () => {
  let h: ClockedHerald;
  before(async () => {
    h = await ClockedHerald.start({ SCHEDULER_RETENTION_DAYS: '30', SCHEDULER_PURGE_INTERVAL_HOURS: '24', ...store.env() });
  });
  after(async () => h?.close());

  const repo = () => h.herald.app.get(ScheduleRepository);
  const claimIds = async (): Promise<string[]> => {
    const out: string[] = [];
    for await (const batch of repo().claimsBefore('9999-12-31T00:00:00.000Z', 1_000)) out.push(...batch.map((c) => c._id));
    return out;
  };
  const purges = async () => (await h.api('get', '/api/audit?limit=10000').expect(200)).body.entries.filter((e: { action: string }) => e.action === 'schedule.purged');

  test('finished jobs, their claims and ended schedules older than the retention go; recent ones, pending jobs and their claims stay', async () => {
    // A series whose first firing is 40 days away, and a claim on that job (a replica's lease, as if mid-run):
    // the claim will be older than the retention while its job is still pending, and must survive.
    const live = await h.sendAlert({ at: h.iso(40 * DAY), rrule: 'FREQ=WEEKLY', validFor: 'PT1H' });
    const [pending] = (await repo().jobsOf(live)).filter((j) => j.state === 'pending');
    assert.ok(await repo().claim(pending, 'slow-replica', h.clock.now().toISOString(), h.iso(1)));
    const old = await h.sendAlert({ at: h.iso(1), validFor: 'PT10M' });
    await h.advance(1);
    await h.advance(10);
    const oldJobs = (await h.api('get', `/api/schedules/${old}`).expect(200)).body.jobs;
    assert.deepEqual(oldJobs.map((j: { kind: string; state: string }) => `${j.kind}:${j.state}`), ['fire:fired', 'expire:done']);
    assert.ok((await claimIds()).some((c) => c.startsWith(`fire:${old}@`)), 'the firing left its claim');

    await h.advance(20 * DAY);
    const recent = await h.sendAlert({ at: h.iso(1), validFor: 'PT10M' });
    await h.advance(1);
    await h.advance(10);
    const before = (await purges()).length;

    // 31 days after the first alert ended: past the retention for it, not for the second.
    await h.advance(11 * DAY);
    const entries = await eventually(async () => {
      const all = await purges();
      return all.length > before ? all : null;
    }, 5_000, 'the retention job to run on its schedule');
    const last = entries[entries.length - 1];
    assert.ok(last.details.jobs >= 2 && last.details.claims >= 2 && last.details.schedules >= 1, JSON.stringify(last.details));
    assert.equal(last.details.retentionDays, 30);

    await h.api('get', `/api/schedules/${old}`).expect(404);
    assert.ok(!(await claimIds()).some((c) => c.startsWith(`fire:${old}@`)), 'its claims are gone');
    const kept = (await h.api('get', `/api/schedules/${recent}`).expect(200)).body.jobs;
    assert.deepEqual(kept.map((j: { kind: string; state: string }) => `${j.kind}:${j.state}`), ['fire:fired', 'expire:done'], 'younger than the retention: kept');
    assert.ok((await claimIds()).includes(`${pending._id}/1`), 'the claim of a pending job is the run-once guard: kept');
    assert.equal((await h.api('get', `/api/schedules/${live}`).expect(200)).body.status, 'active');
  });

  test('a long downtime runs the purge once, then plans the next slot after now', async () => {
    const before = (await purges()).length;
    await h.advance(10 * DAY);
    await eventually(async () => (await purges()).length === before + 1, 5_000, 'one purge');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await purges()).length, before + 1, 'not one per missed slot');
    const next = (await repo().dueJobs('9999-12-31T00:00:00.000Z', 10_000)).filter((j) => j.kind === 'purge');
    assert.equal(next.length, 1, 'one pending purge job');
    assert.ok(Date.parse(next[0].dueAt) > h.clock.now().getTime() && Date.parse(next[0].dueAt) <= h.clock.now().getTime() + 24 * 3_600_000);
  });
});
