import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { DeliveryView } from '@herald/contracts';
import { DEMO, eventually, Harness, HarnessSession, login, METRICS_TOKEN, newAlert, Recipient, startDistributed, startSingleNode } from '@herald/testing';

const MODES: [string, () => Promise<Harness>][] = [
  ['single-node', () => startSingleNode()],
  ['distributed (RabbitMQ, FerretDB/MongoDB, OpenLDAP)', () => startDistributed()],
];

for (const [mode, start] of MODES) {
  describe(`walking skeleton — ${mode}`, () => {
    const s = new HarnessSession(start);
    const { connect, api } = s;

    test('an alert sent to a nested group reaches its members, not others, and comes back acknowledged', async () => {
      const [alice, bob, dave] = await Promise.all(['alice', 'bob', 'dave'].map(connect));
      const created = await api('/api/alerts').post('/api/alerts').set('authorization', `Bearer ${s.admin}`).send(newAlert({ body: '<p>Leave <b>now</b><script>alert(1)</script><img src=x onerror=alert(2)></p>' })).expect(201);
      assert.equal(created.body.status, 'draft');
      assert.doesNotMatch(created.body.body, /script|onerror/, 'body is sanitised before it is stored');
      const id = created.body.id as string;
      await api('/api/alerts').post(`/api/alerts/${id}/send`).set('authorization', `Bearer ${s.admin}`).expect(202);

      await eventually(() => alice.alerts.length === 1 && bob.alerts.length === 1, 5_000, 'alice and bob to receive the alert');
      const received = alice.alerts[0];
      assert.equal(received.alertId, id);
      assert.equal(received.title, 'Fire drill at 15:00');
      assert.equal(received.severity, 'warning');

      // erin (engineering → operations) connects only now, and gets it on connect, once.
      const erin = await connect('erin');
      await eventually(() => erin.alerts.length >= 1, 5_000, 'erin to get the pending alert on connect');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(erin.alerts.length, 1, 'the late recipient gets the alert exactly once');
      assert.equal(dave.alerts.length, 0, 'dave is not in engineering and sees nothing');

      for (const state of ['delivered', 'displayed', 'acknowledged'] as const) assert.deepEqual(await alice.receipt(received.occurrenceId, state), { ok: true });
      assert.deepEqual(await erin.receipt(received.occurrenceId, 'acknowledged'), { ok: true });

      const deliveries = await eventually(async () => {
        const res = await api('/api/alerts').get(`/api/alerts/${id}/deliveries`).set('authorization', `Bearer ${s.admin}`).expect(200);
        const byUser = new Map<string, DeliveryView>(res.body.deliveries.map((d: DeliveryView) => [d.userId, d]));
        return byUser.get('alice')?.state === 'acknowledged' && byUser.get('erin')?.state === 'acknowledged' && byUser.get('bob')?.sentAt ? res.body : null;
      }, 5_000, 'acknowledgements to show in deliveries');
      assert.deepEqual(deliveries.deliveries.map((d: DeliveryView) => d.userId), DEMO.engineering, 'exactly the nested members are targeted');
      const a = deliveries.deliveries.find((d: DeliveryView) => d.userId === 'alice');
      for (const k of ['targetedAt', 'sentAt', 'deliveredAt', 'displayedAt', 'acknowledgedAt']) assert.ok(Date.parse(a[k]) > 0, `alice has ${k}`);
      assert.match(a.client, /via=\S+:\d+$/, 'the client and the gateway the receipts came through are kept');
      assert.equal(deliveries.counts.targeted, 3);
      assert.equal(deliveries.counts.acknowledged, 2);

      const audit = await eventually(async () => {
        const res = await api('/api/audit').get(`/api/audit?alertId=${id}`).set('authorization', `Bearer ${s.admin}`).expect(200);
        const actions = res.body.entries.map((e: { action: string }) => e.action);
        return actions.includes('delivery.acknowledged') && actions.includes('occurrence.dispatched') ? res.body.entries : null;
      }, 5_000, 'the audit trail');
      const actions = audit.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`);
      for (const want of ['alert.created:carol', 'alert.sent:carol', 'occurrence.dispatched:carol', 'delivery.acknowledged:alice', 'delivery.acknowledged:erin', 'delivery.displayed:alice']) {
        assert.ok(actions.includes(want), `audit has ${want} (got ${actions.join(', ')})`);
      }

      // An acknowledged alert is not pending any more: reconnecting shows nothing.
      const again = await connect('alice');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(again.alerts.length, 0);
      // Sending twice is refused and changes nothing.
      await api('/api/alerts').post(`/api/alerts/${id}/send`).set('authorization', `Bearer ${s.admin}`).expect(409);
    });

    test('bad input is refused with a clear error', async () => {
      const auth = { authorization: `Bearer ${s.admin}` };
      const missing = await api('/api/alerts').post('/api/alerts').set(auth).send({ body: 'x', severity: 'info', audience: { groups: ['engineering'] } }).expect(400);
      assert.equal(missing.body.field, 'title');
      const badSeverity = await api('/api/alerts').post('/api/alerts').set(auth).send(newAlert({ severity: 'apocalyptic' })).expect(400);
      assert.equal(badSeverity.body.field, 'severity');
      const noAudience = await api('/api/alerts').post('/api/alerts').set(auth).send(newAlert({ audience: { users: [], groups: [] } })).expect(400);
      assert.match(noAudience.body.message, /audience/);
      const unknown = await api('/api/alerts').post('/api/alerts').set(auth).send(newAlert({ audience: { groups: ['no-such-group*)(uid=*'] } })).expect(422);
      assert.equal(unknown.body.field, 'audience.groups');
      await api('/api/alerts').post('/api/alerts').send(newAlert()).expect(401);
      await api('/api/alerts').post('/api/alerts').set('authorization', 'Bearer forged.token.here').send(newAlert()).expect(401);
      await api('/api/auth/login').post('/api/auth/login').send({ username: 'carol', password: '' }).expect(400);
      await api('/api/auth/login').post('/api/auth/login').send({ username: 'carol', password: 'wrong' }).expect(401);
      await api('/api/auth/login').post('/api/auth/login').send({ username: '*', password: 'herald' }).expect(401);

      const recipient = await login(s.h.route, 'alice');
      await api('/api/alerts').post('/api/alerts').set('authorization', `Bearer ${recipient}`).send(newAlert()).expect(403);
      const draft = await api('/api/alerts').post('/api/alerts').set(auth).send(newAlert()).expect(201);
      await api('/api/alerts').post(`/api/alerts/${draft.body.id}/send`).set('authorization', `Bearer ${recipient}`).expect(403);
      await api('/api/alerts').get('/api/alerts/no-such-alert').set(auth).expect(404);
      await api('/api/audit').get('/api/audit').set('authorization', `Bearer ${recipient}`).expect(403);
    });

    test('sockets: no token is refused; malformed events are ignored and counted, the gateway keeps serving', async () => {
      await assert.rejects(Recipient.connect(s.h.gatewayUrl, 'not-a-token'), /invalid token/);
      const bob = await connect('bob');
      const bad = await bob.socket.timeout(5_000).emitWithAck('receipt', { occurrenceId: 42, state: 'hacked' });
      assert.equal(bad.ok, false);
      assert.match(bad.error, /invalid receipt/);
      bob.socket.emit('receipt', 'garbage');
      bob.socket.emit('no-such-event', { x: 1 });
      const metrics = await eventually(async () => {
        const res = await request(s.h.gatewayUrl).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
        const m = /herald_gateway_malformed_events_total\{event="receipt"\} (\d+)/.exec(res.text);
        const u = /herald_gateway_malformed_events_total\{event="unknown"\} (\d+)/.exec(res.text);
        return m && Number(m[1]) >= 2 && u && Number(u[1]) >= 1 ? res.text : null;
      }, 5_000, 'malformed events to be counted');
      assert.ok(metrics);
      await request(s.h.gatewayUrl).get('/metrics').expect(401);
      await request(s.h.gatewayUrl).get('/metrics').set('authorization', 'Bearer wrong-token-wrong-token').expect(401);
      const ready = await request(s.h.route('/api/alerts')).get('/readyz').expect(200);
      assert.deepEqual(ready.body, { status: 'ready' });
      // Still serving: a well-formed receipt for an unknown occurrence is accepted (and changes nothing).
      assert.deepEqual(await bob.receipt('unknown.1', 'delivered'), { ok: true });
      assert.equal(bob.socket.connected, true);
    });
  });
}
