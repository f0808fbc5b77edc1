import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionStatus, HeraldClient, HeraldClientOptions, IncomingAlert, MemoryStorage } from '@herald/client-sdk';
import { FileStorage } from '@herald/client-sdk/node';
import { DEMO, deliveriesOf, eventually, Harness, login, newAlert, sendAlert, startSingleNode } from '@herald/testing';

const FAST = { baseMs: 50, maxMs: 400 };

/** The SDK against a real single-node Herald: resume, de-duplication, receipts (also made offline), token refresh. */
describe('HeraldClient against a running gateway', () => {
  let h: Harness;
  let admin: string;
  let aliceToken: string;
  const clients: HeraldClient[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'herald-sdk-'));

  before(async () => {
    h = await startSingleNode();
    admin = await login(h.route, DEMO.admin);
    aliceToken = await login(h.route, 'alice');
  });
  after(async () => {
    clients.forEach((c) => c.stop());
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function client(opts: Partial<HeraldClientOptions> & Pick<HeraldClientOptions, 'storage'>): { c: HeraldClient; got: IncomingAlert[]; statuses: ConnectionStatus[] } {
    const c = new HeraldClient({ url: h.gatewayUrl, getToken: () => aliceToken, backoff: FAST, receiptTimeoutMs: 2_000, ...opts });
    const got: IncomingAlert[] = [];
    const statuses: ConnectionStatus[] = [];
    c.on('alert', (a) => got.push(a));
    c.on('status', (s) => statuses.push(s));
    clients.push(c);
    c.start();
    return { c, got, statuses };
  }

  test('snooze: the server must agree; the alert leaves the screen and comes back once its time is up; critical is refused', async () => {
    const info = await sendAlert(h.route, admin, newAlert({ title: 'snooze me', severity: 'info', audience: { users: ['alice'], groups: [] } }));
    const critical = await sendAlert(h.route, admin, newAlert({ title: 'do not snooze me', severity: 'critical', audience: { users: ['alice'], groups: [] } }));
    // The client's clock runs 10 minutes minus a moment ahead of the server's: the snooze ends, for it, almost at once.
    const { c, got } = client({ storage: new MemoryStorage(), now: () => new Date(Date.now() + 10 * 60_000 - 300) });
    const snoozed: string[] = [];
    c.on('snoozed', (s) => snoozed.push(s.occurrenceId));
    await eventually(() => got.filter((g) => g.alert.occurrenceId === info.occurrenceId || g.alert.occurrenceId === critical.occurrenceId).length === 2, 5_000, 'both alerts');
    const refused = await c.snooze(critical.occurrenceId, 10);
    assert.deepEqual(refused, { ok: false, error: 'this alert cannot be snoozed' }, 'refused before asking the server');
    const ok = await c.snooze(info.occurrenceId, 10);
    assert.equal(ok.ok, true);
    assert.deepEqual(snoozed, [info.occurrenceId]);
    const before = got.length;
    await eventually(() => got.length === before + 1, 5_000, 'the alert back after its snooze');
    assert.equal(got[got.length - 1].alert.occurrenceId, info.occurrenceId);
    c.acknowledge(info.occurrenceId);
    c.acknowledge(critical.occurrenceId);
    for (const a of [info, critical]) await eventually(async () => (await deliveriesOf(h.route, admin, a.id))[0].state === 'acknowledged', 5_000, 'acknowledged');
    c.stop();
  });

  test('an alert sent while offline arrives on connect once; receipts made offline reach the server after a restart', async () => {
    const storagePath = join(dir, 'state.json');
    const first = await sendAlert(h.route, admin, newAlert({ title: 'sent before connecting', audience: { users: ['alice'], groups: [] }, presentation: 'ticker' }));

    const one = client({ storage: new FileStorage(storagePath), hello: { kind: 'agent', hostname: 'PC-ALICE-01', addresses: ['10.20.30.40'] } });
    await eventually(() => one.got.length === 1, 5_000, 'the pending alert');
    assert.equal(one.got[0].alert.occurrenceId, first.occurrenceId);
    assert.equal(one.got[0].alert.presentation, 'ticker', 'the presentation travels to the client');
    assert.equal(one.got[0].resumed, false);
    one.c.displayed(first.occurrenceId);
    await eventually(async () => (await deliveriesOf(h.route, admin, first.id))[0].displayedAt, 5_000, 'displayed recorded');
    const audit = await request(h.gatewayUrl).get(`/api/audit?alertId=${first.id}`).set('authorization', `Bearer ${admin}`).expect(200);
    const displayed = audit.body.entries.find((e: { action: string }) => e.action === 'delivery.displayed');
    assert.match(displayed.details.client, /^agent host=PC-ALICE-01 addr=10\.20\.30\.40 peer=\S+ via=/, 'the machine name and address are recorded with the receipt');

    // Offline: the process acknowledges, then dies before it could send. The next process sends it.
    one.c.stop();
    one.c.acknowledge(first.occurrenceId);
    assert.deepEqual(one.c.unconfirmedReceipts, [{ occurrenceId: first.occurrenceId, state: 'acknowledged' }]);
    assert.equal((await deliveriesOf(h.route, admin, first.id))[0].state, 'displayed', 'nothing was sent while stopped');

    const second = await sendAlert(h.route, admin, newAlert({ title: 'sent while offline', audience: { users: ['alice'], groups: [] } }));
    const two = client({ storage: new FileStorage(storagePath) });
    await eventually(async () => (await deliveriesOf(h.route, admin, first.id))[0].state === 'acknowledged', 5_000, 'the offline acknowledgement');
    await eventually(() => two.got.length === 1, 5_000, 'the alert sent while offline');
    assert.equal(two.got[0].alert.occurrenceId, second.occurrenceId, 'the acknowledged alert is not presented again');
    await eventually(async () => (await deliveriesOf(h.route, admin, second.id))[0].deliveredAt, 5_000, 'delivered recorded');
    two.c.stop();

    // A third start with the same storage: the second alert is still pending server-side, so it comes back as "resumed".
    const three = client({ storage: new FileStorage(storagePath) });
    await eventually(() => three.got.length === 1, 5_000, 'the unacknowledged alert');
    assert.deepEqual(three.got.map((g) => [g.alert.occurrenceId, g.resumed]), [[second.occurrenceId, true]]);
    assert.deepEqual(three.c.inbox().map((e) => [e.occurrenceId, e.state]), [[second.occurrenceId, 'received'], [first.occurrenceId, 'acknowledged']]);
    three.c.acknowledge(second.occurrenceId);
    await eventually(async () => (await deliveriesOf(h.route, admin, second.id))[0].state === 'acknowledged', 5_000, 'second acknowledged');
    three.c.stop();
  });

  test('a live alert is presented once even when the server resends it; a refused token goes through the refresh hook', async () => {
    let refreshed = 0;
    const one = client({
      storage: new MemoryStorage(),
      getToken: () => 'expired-or-forged',
      refreshToken: async () => (refreshed++, aliceToken),
    });
    await eventually(() => one.c.status === 'connected', 5_000, 'connected after refresh');
    assert.equal(refreshed, 1);
    const live = await sendAlert(h.route, admin, newAlert({ title: 'live', audience: { users: ['alice'], groups: [] } }));
    await eventually(() => one.got.some((g) => g.alert.occurrenceId === live.occurrenceId), 5_000, 'the live alert');
    await eventually(async () => (await deliveriesOf(h.route, admin, live.id))[0].deliveredAt, 5_000, 'delivered');
    // The gateway resends every pending alert on each connect: force a reconnection on the same client.
    (one.c as unknown as { socket: { disconnect(): void } }).socket.disconnect();
    await eventually(() => one.statuses.filter((s) => s === 'connected').length === 2, 5_000, 'reconnected');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(one.got.filter((g) => g.alert.occurrenceId === live.occurrenceId).length, 1, 'presented once');
    one.c.acknowledge(live.occurrenceId);
    await eventually(async () => (await deliveriesOf(h.route, admin, live.id))[0].state === 'acknowledged', 5_000, 'acknowledged');
    one.c.stop();

    // No token for now (the issuer is unreachable): retried with back-off, then connected.
    let failures = 0;
    const later = client({ storage: new MemoryStorage(), getToken: () => (failures++ < 2 ? Promise.reject(new Error('directory unavailable')) : aliceToken) });
    await eventually(() => later.c.status === 'connected', 5_000, 'connected once a token could be had');
    assert.deepEqual(later.statuses.slice(0, 4), ['connecting', 'offline', 'connecting', 'offline']);
    later.c.stop();

    const refused = client({ storage: new MemoryStorage(), getToken: () => 'forged' });
    await eventually(() => refused.c.status === 'unauthorized', 5_000, 'gives up without a refresh hook');
  });
});
