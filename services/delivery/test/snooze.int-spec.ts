import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadEnv } from '@herald/config';
import { bootHerald, createInfra, ManualClock, RunningHerald } from '@herald/runtime';
import { DEMO_LDIF, eventually, login, newAlert, Recipient, sendAlert } from '@herald/testing';
import { ALL_SERVICES } from '../../single-node/src/services';

/** Snooze: an info/warning alert put away by its recipient stays out of their pending set until the time is up. */
describe('snooze (all services in-process, manual clock)', () => {
  let dir: string;
  let herald: RunningHerald;
  let clock: ManualClock;
  let admin: string;
  const sockets: Recipient[] = [];
  const connect = async (user: string) => {
    const r = await Recipient.connect(herald.url, await login(() => herald.url, user));
    sockets.push(r);
    return r;
  };
  const snooze = (r: Recipient, payload: unknown) => r.socket.timeout(5_000).emitWithAck('snooze', payload);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-snooze-'));
    const infra = await createInfra(loadEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', SQLITE_DIR: dir, DIRECTORY_LDIF: DEMO_LDIF(), SCHEDULER_TICK_MS: '3600000' }), 'snooze-test');
    clock = new ManualClock(new Date());
    infra.clock = clock;
    herald = await bootHerald('snooze-test', ALL_SERVICES, infra);
    admin = await login(() => herald.url, 'carol');
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await herald?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('info is snoozed until its time, critical is refused, bad input is refused, acknowledged cannot be snoozed', async () => {
    const route = () => herald.url;
    const info = await sendAlert(route, admin, newAlert({ title: 'Canteen closes early', severity: 'info', audience: { users: ['alice'], groups: [] } }));
    const critical = await sendAlert(route, admin, newAlert({ title: 'Gas leak', severity: 'critical', audience: { users: ['alice'], groups: [] } }));
    const alice = await connect('alice');
    await eventually(() => alice.alerts.length === 2, 5_000, 'both alerts');

    const ok = await snooze(alice, { occurrenceId: info.occurrenceId, minutes: 10 });
    assert.deepEqual(ok, { ok: true, until: new Date(clock.now().getTime() + 10 * 60_000).toISOString() });
    const refused = await snooze(alice, { occurrenceId: critical.occurrenceId, minutes: 10 });
    assert.equal(refused.ok, false);
    assert.match(refused.error, /critical alerts cannot be snoozed/);
    for (const bad of [{ occurrenceId: info.occurrenceId, minutes: 0 }, { occurrenceId: info.occurrenceId, minutes: 99999 }, { occurrenceId: info.occurrenceId }, 'garbage']) {
      const r = await snooze(alice, bad);
      assert.equal(r.ok, false);
      assert.match(r.error, /invalid snooze/);
    }
    const notMine = await snooze(await connect('bob'), { occurrenceId: info.occurrenceId, minutes: 10 });
    assert.deepEqual(notMine, { ok: false, error: `no alert ${info.occurrenceId} for you` });

    // Reconnecting while snoozed: only the critical one is pending.
    const during = await connect('alice');
    await eventually(() => during.alerts.length >= 1, 5_000, 'pending on connect');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(during.alerts.map((a) => a.occurrenceId), [critical.occurrenceId]);

    // Once the time is up, it is pending again.
    clock.advance(11 * 60_000);
    const afterwards = await connect('alice');
    await eventually(() => afterwards.alerts.length >= 2, 5_000, 'both pending again');
    assert.deepEqual(afterwards.alerts.map((a) => a.occurrenceId).sort(), [info.occurrenceId, critical.occurrenceId].sort());

    assert.deepEqual(await afterwards.receipt(info.occurrenceId, 'acknowledged'), { ok: true });
    const acked = await eventually(async () => {
      const r = await snooze(afterwards, { occurrenceId: info.occurrenceId, minutes: 5 });
      return r.ok === false ? r : null;
    }, 5_000, 'the acknowledgement to be applied');
    assert.match(acked.error, /already acknowledged/);

    const audit = await request(herald.url).get(`/api/audit?alertId=${info.id}`).set('authorization', `Bearer ${admin}`).expect(200);
    const snoozed = audit.body.entries.filter((e: { action: string }) => e.action === 'delivery.snoozed');
    assert.equal(snoozed.length, 1);
    assert.equal(snoozed[0].actor, 'alice');
    assert.equal(snoozed[0].details.minutes, 10);
  });
});
