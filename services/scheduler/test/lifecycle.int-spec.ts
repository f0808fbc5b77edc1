import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryView } from '@herald/contracts';
import { eventually } from '@herald/testing';
import { ScheduleRepository } from '../src/schedules/schedule.repository';
import { ClockedHerald } from './clocked-herald';

/** Alert lifecycle on a controllable clock: every service in-process, real sockets, time moved by the test. */
describe('scheduled alert lifecycle (in-process, ManualClock)', () => {
  let h: ClockedHerald;
  before(async () => {
    h = await ClockedHerald.start();
  });
  after(async () => h?.close());

  const deliveries = async (id: string): Promise<Map<string, DeliveryView>> => {
    const res = await h.api('get', `/api/alerts/${id}/deliveries`).expect(200);
    return new Map(res.body.deliveries.map((d: DeliveryView) => [d.userId, d]));
  };
  const quiet = () => new Promise((r) => setTimeout(r, 300));

  test('sent at a time: nothing before, one occurrence at its time; at validUntil undisplayed deliveries expire and screens clear', async () => {
    const [alice, bob] = [await h.connect('alice'), await h.connect('bob')];
    const at = h.iso(10);
    const id = await h.sendAlert({ at, validFor: 'PT30M' });
    const upcoming = await h.api('get', '/api/schedules/upcoming').expect(200);
    assert.deepEqual(upcoming.body.occurrences.filter((o: { alertId: string }) => o.alertId === id).map((o: { at: string; occurrenceId: string }) => [o.at, o.occurrenceId]), [[at, `${id}@${at}`]]);

    assert.equal(await h.advance(9), 0, 'nothing is due a minute early');
    await quiet();
    assert.equal(alice.alerts.length, 0);
    assert.equal(await h.advance(1), 1);
    await eventually(() => alice.alerts.length === 1 && bob.alerts.length === 1, 5_000, 'the occurrence to reach alice and bob');
    assert.equal(alice.alerts[0].occurrenceId, `${id}@${at}`);
    assert.equal(alice.alerts[0].validUntil, new Date(Date.parse(at) + 30 * 60_000).toISOString());
    assert.equal(await h.tick(), 0, 'a second tick fires nothing');
    assert.deepEqual(await bob.receipt(`${id}@${at}`, 'displayed'), { ok: true });
    await eventually(async () => (await deliveries(id)).get('bob')?.state === 'displayed', 5_000, 'bob displayed');

    await h.advance(30);
    await eventually(() => alice.recalls.length === 1 && bob.recalls.length === 1, 5_000, 'screens told to clear at validUntil');
    assert.deepEqual(alice.recalls[0], { occurrenceId: `${id}@${at}`, alertId: id });
    const d = await eventually(async () => {
      const m = await deliveries(id);
      return m.get('alice')?.state === 'expired' ? m : null;
    }, 5_000, 'expired deliveries');
    assert.equal(d.get('erin')?.state, 'expired', 'offline erin never displayed it: expired');
    assert.equal(d.get('bob')?.state, 'displayed', 'a displayed delivery is not rewritten as expired');
    const erin = await h.connect('erin');
    await quiet();
    assert.equal(erin.alerts.length, 0, 'an expired alert is not pending');
    alice.alerts.length = bob.alerts.length = 0;
  });

  test('an alert sent now also expires at its validUntil', async () => {
    const dave = await h.connect('dave');
    const created = await h.api('post', '/api/alerts').send({ title: 'now', body: 'b', severity: 'info', audience: { users: ['dave'], groups: [] }, validUntil: h.iso(10) }).expect(201);
    const id = created.body.id as string;
    await h.api('post', `/api/alerts/${id}/send`).expect(202);
    await eventually(() => dave.alerts.some((a) => a.alertId === id), 5_000, 'the alert now');
    await h.advance(9);
    await quiet();
    assert.equal(dave.recalls.length, 0, 'not before validUntil');
    await h.advance(1);
    await eventually(() => dave.recalls.some((r) => r.alertId === id), 5_000, 'taken down at validUntil');
    await eventually(async () => (await deliveries(id)).get('dave')?.state === 'expired', 5_000, 'expired');
  });

  test('reminders re-show to whoever has not acknowledged, every N minutes, at most M times, each recorded', async () => {
    const [alice, bob] = [await h.connect('alice'), await h.connect('bob')];
    const id = await h.sendAlert({ at: h.iso(1), validFor: 'PT2H', reminders: { everyMinutes: 15, maxCount: 2 } });
    await h.advance(1);
    await eventually(() => alice.alerts.some((a) => a.alertId === id) && bob.alerts.some((a) => a.alertId === id), 5_000, 'first showing');
    const occ = alice.alerts.find((a) => a.alertId === id)!.occurrenceId;
    assert.deepEqual(await alice.receipt(occ, 'acknowledged'), { ok: true });
    await eventually(async () => (await deliveries(id)).get('alice')?.state === 'acknowledged', 5_000, 'alice acknowledged');

    for (const n of [1, 2]) {
      await h.advance(15);
      await eventually(() => bob.alerts.filter((a) => a.alertId === id).length === n + 1, 5_000, `reminder ${n} to bob`);
      assert.equal(bob.alerts.filter((a) => a.alertId === id).at(-1)!.reminder, n);
    }
    await h.advance(15);
    await quiet();
    assert.equal(bob.alerts.filter((a) => a.alertId === id).length, 3, 'no third reminder (maxCount 2)');
    assert.equal(alice.alerts.filter((a) => a.alertId === id).length, 1, 'acknowledged alice is not reminded');
    const d = await deliveries(id);
    assert.equal(d.get('bob')?.reminders, 2);
    assert.equal(d.get('alice')?.reminders, 0);
    const audit = await eventually(async () => {
      const res = await h.api('get', `/api/audit?alertId=${id}`).expect(200);
      const reminded = res.body.entries.filter((e: { action: string }) => e.action === 'delivery.reminded');
      return reminded.length >= 4 ? reminded : null; // bob and erin (offline), twice each
    }, 5_000, 'reminders in the audit trail');
    assert.deepEqual([...new Set(audit.map((e: { actor: string; subject: string }) => e.subject.split(':').at(-1)))].sort(), ['bob', 'erin']);
  });

  test('recall: connected screens clear at once, open deliveries become recalled, acknowledged stay acknowledged, no further firings', async () => {
    const [alice, bob] = [await h.connect('alice'), await h.connect('bob')];
    const id = await h.sendAlert({ at: h.iso(1), rrule: 'FREQ=DAILY', timezone: 'Europe/Paris', validFor: 'PT4H' });
    await h.advance(1);
    await eventually(() => alice.alerts.some((a) => a.alertId === id) && bob.alerts.some((a) => a.alertId === id), 5_000, 'first firing');
    const occ = alice.alerts.find((a) => a.alertId === id)!.occurrenceId;
    await alice.receipt(occ, 'acknowledged');
    await eventually(async () => (await deliveries(id)).get('alice')?.state === 'acknowledged', 5_000, 'alice acknowledged');

    const res = await h.api('post', `/api/alerts/${id}/recall`).expect(202);
    assert.equal(res.body.status, 'recalled');
    await eventually(() => bob.recalls.some((r) => r.occurrenceId === occ), 5_000, 'bob told to take it down');
    const d = await eventually(async () => {
      const m = await deliveries(id);
      return m.get('bob')?.state === 'recalled' ? m : null;
    }, 5_000, 'recalled deliveries');
    assert.equal(d.get('erin')?.state, 'recalled');
    assert.equal(d.get('alice')?.state, 'acknowledged');
    const schedule = await h.api('get', `/api/schedules/${id}`).expect(200);
    assert.equal(schedule.body.status, 'cancelled');

    await h.advance(24 * 60);
    await quiet();
    assert.equal(bob.alerts.filter((a) => a.alertId === id).length, 1, 'no firing after the recall');
    const erin = await h.connect('erin');
    await quiet();
    assert.equal(erin.alerts.filter((a) => a.alertId === id).length, 0, 'offline erin never gets a recalled alert');
    await h.api('post', `/api/alerts/${id}/recall`).expect(202);
  });

  test('missed firings after downtime: those still inside their window fire (once), the others are recorded as missed', async () => {
    const alice = await h.connect('alice');
    const id = await h.sendAlert({ at: h.iso(60), rrule: 'FREQ=HOURLY', validFor: 'PT30M' });
    // The scheduler is "down" for 3 h 10 min: the clock moves, nothing ticks.
    h.clock.advance((3 * 60 + 10) * 60_000);
    await h.tick();
    await eventually(() => alice.alerts.some((a) => a.alertId === id), 5_000, 'the still-valid firing');
    const jobs = (await h.api('get', `/api/schedules/${id}`).expect(200)).body.jobs.filter((j: { kind: string }) => j.kind === 'fire');
    assert.deepEqual(jobs.map((j: { state: string }) => j.state), ['missed', 'missed', 'fired', 'pending']);
    await quiet();
    assert.equal(alice.alerts.filter((a) => a.alertId === id).length, 1, 'exactly one catch-up firing');
    const audit = await eventually(async () => {
      const entries = (await h.api('get', `/api/audit?alertId=${id}`).expect(200)).body.entries;
      return entries.filter((e: { action: string }) => e.action === 'occurrence.missed').length === 2 ? entries : null;
    }, 5_000, 'missed firings audited');
    assert.equal(audit.filter((e: { action: string }) => e.action === 'occurrence.fired').length, 1);
    await h.api('delete', `/api/schedules/${id}`).expect(200);
  });

  test('a job claimed by a replica that died is run by another once its lease ends, and only then', async () => {
    const alice = await h.connect('alice');
    const id = await h.sendAlert({ at: h.iso(5), validFor: 'PT1H' });
    const repo = h.herald.app.get(ScheduleRepository);
    h.clock.advance(5 * 60_000);
    // A replica claims the firing and dies before running it.
    const [job] = (await repo.dueJobs(h.clock.now().toISOString(), 10)).filter((j) => j.alertId === id);
    assert.ok(await repo.claim(job, 'dead-replica', h.clock.now().toISOString(), h.iso(1)));
    assert.equal(await repo.claim(job, 'other-replica', h.clock.now().toISOString(), h.iso(1)), false, 'the same attempt is claimed once');
    assert.equal(await h.tick(), 0, 'the lease is respected');
    await h.advance(2);
    await eventually(() => alice.alerts.some((a) => a.alertId === id), 5_000, 'the firing, run by the surviving replica');
    const fire = (await h.api('get', `/api/schedules/${id}`).expect(200)).body.jobs.find((j: { kind: string }) => j.kind === 'fire');
    assert.equal(fire.state, 'fired');
  });

  test('pause, resume, edit and cancel a recurrence; upcoming follows', async () => {
    const bob = await h.connect('bob');
    const id = await h.sendAlert({ at: h.iso(30), rrule: 'FREQ=DAILY;COUNT=5', timezone: 'Europe/Paris' });
    const upcomingOf = async () => (await h.api('get', '/api/schedules/upcoming?limit=100').expect(200)).body.occurrences.filter((o: { alertId: string }) => o.alertId === id);
    assert.equal((await upcomingOf()).length, 5);

    assert.equal((await h.api('post', `/api/schedules/${id}/pause`).expect(200)).body.status, 'paused');
    assert.equal((await upcomingOf()).length, 0, 'a paused schedule has no upcoming occurrences');
    await h.advance(31);
    await quiet();
    assert.equal(bob.alerts.filter((a) => a.alertId === id).length, 0, 'a paused schedule does not fire');
    await h.api('post', `/api/schedules/${id}/pause`).expect(409);

    const resumed = await h.api('post', `/api/schedules/${id}/resume`).expect(200);
    assert.equal(resumed.body.status, 'active');
    assert.ok(Date.parse(resumed.body.nextFireAt) > h.clock.now().getTime(), 'the firing missed while paused is not made up');

    const at = h.iso(5);
    const edited = await h.api('patch', `/api/schedules/${id}`).send({ at, rrule: 'FREQ=WEEKLY;COUNT=2' }).expect(200);
    assert.equal(edited.body.nextFireAt, at);
    assert.deepEqual((await upcomingOf()).map((o: { at: string }) => o.at), [at, new Date(Date.parse(at) + 7 * 86_400_000).toISOString()]);
    await h.advance(5);
    await eventually(() => bob.alerts.filter((a) => a.alertId === id).length === 1, 5_000, 'the edited firing');
    assert.equal(bob.alerts.find((a) => a.alertId === id)!.occurrenceId, `${id}@${at}`);

    assert.equal((await h.api('delete', `/api/schedules/${id}`).expect(200)).body.status, 'cancelled');
    await h.advance(7 * 24 * 60);
    await quiet();
    assert.equal(bob.alerts.filter((a) => a.alertId === id).length, 1, 'a cancelled schedule does not fire');
    await h.api('post', `/api/schedules/${id}/resume`).expect(409);
  });

  test('bad timing is refused with 400 naming the field; schedules need the admin role', async () => {
    const draft = (await h.api('post', '/api/alerts').send({ title: 't', body: 'b', severity: 'info', audience: { users: ['alice'], groups: [] } }).expect(201)).body.id;
    const send = (body: unknown) => h.api('post', `/api/alerts/${draft}/send`).send(body as object);
    for (const [body, field] of [
      [{ rrule: 'FREQ=NEVER' }, 'rrule'],
      [{ rrule: 'FREQ=DAILY', timezone: 'Mars/Olympus_Mons' }, 'timezone'],
      [{ validFrom: h.iso(60), validUntil: h.iso(30) }, 'validUntil'],
      [{ validUntil: h.iso(-5) }, 'validUntil'],
      [{ at: h.iso(-5) }, 'at'],
      [{ at: 'tomorrow' }, 'at'],
      [{ validFor: 'two hours' }, 'validFor'],
      [{ reminders: { everyMinutes: 0, maxCount: 3 } }, 'reminders.everyMinutes'],
      [{ when: 'soon' }, 'body'],
    ] as const) {
      const res = await send(body).expect(400);
      assert.equal(res.body.field, field, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
    }
    assert.equal((await h.api('get', `/api/alerts/${draft}`).expect(200)).body.status, 'draft', 'a refused schedule leaves the draft as it was');
    const bad = await h.api('patch', `/api/schedules/${draft}`).send({ rrule: 'FREQ=WEEKLY;BYDAY=XX' });
    assert.equal(bad.status, 404, 'no schedule for a draft');

    const { default: request } = await import('supertest');
    const { login } = await import('@herald/testing');
    const alice = await login(() => h.url, 'alice');
    await request(h.url).get('/api/schedules/upcoming').set('authorization', `Bearer ${alice}`).expect(403);
    await request(h.url).get('/api/schedules').expect(401);
  });
});

describe('missed firings with SCHEDULER_MISSED_FIRINGS=skip', () => {
  let h: ClockedHerald;
  before(async () => {
    h = await ClockedHerald.start({ SCHEDULER_MISSED_FIRINGS: 'skip', SCHEDULER_MISSED_AFTER_MS: '60000' });
  });
  after(async () => h?.close());

  test('a firing picked up later than SCHEDULER_MISSED_AFTER_MS is recorded as missed even inside its window; an on-time one fires', async () => {
    const alice = await h.connect('alice');
    const id = await h.sendAlert({ at: h.iso(60), rrule: 'FREQ=HOURLY', validFor: 'PT30M' });
    h.clock.advance(70 * 60_000);
    await h.tick();
    await h.advance(50);
    await eventually(() => alice.alerts.some((a) => a.alertId === id), 5_000, 'the on-time firing');
    const jobs = (await h.api('get', `/api/schedules/${id}`).expect(200)).body.jobs.filter((j: { kind: string }) => j.kind === 'fire');
    assert.deepEqual(jobs.map((j: { state: string }) => j.state), ['missed', 'fired', 'pending']);
    assert.equal(alice.alerts.filter((a) => a.alertId === id).length, 1);
  });
});
