import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { DeliveryView } from '@herald/contracts';
import { DEMO, eventually, Harness, HarnessSession, login, newAlert, Recipient, startDistributed, startSingleNode } from '@herald/testing';

// Short real times (seconds) with a fast scheduler tick; assertions are about order (never early), not speed.
const FAST = { SCHEDULER_TICK_MS: '200' };
const MODES: [string, () => Promise<Harness>][] = [
  ['single-node', () => startSingleNode(FAST)],
  ['distributed (RabbitMQ, FerretDB/MongoDB, OpenLDAP)', () => startDistributed(FAST)],
];

for (const [mode, start] of MODES) {
  describe(`scheduling — ${mode}`, () => {
    const s = new HarnessSession(start);
    const { connect, api } = s;

    test('a scheduled alert reaches a connected client at its time and is taken off its screen at validUntil', async () => {
      const alice = await connect('alice');
      const seen: { alertAt?: number; recallAt?: number } = {};
      alice.socket.on('alert', () => (seen.alertAt ??= Date.now()));
      alice.socket.on('alert:recall', () => (seen.recallAt ??= Date.now()));

      const created = await api('/api/alerts').post('/api/alerts').set('authorization', `Bearer ${s.admin}`).send(newAlert({ title: 'Maintenance window' })).expect(201);
      const id = created.body.id as string;
      const at = new Date(Math.ceil((Date.now() + 2_500) / 1000) * 1000).toISOString();
      const validUntil = new Date(Date.parse(at) + 3_000).toISOString();
      const sent = await api('/api/alerts').post(`/api/alerts/${id}/send`).set('authorization', `Bearer ${s.admin}`).send({ at, validUntil }).expect(202);
      assert.equal(sent.body.status, 'scheduled');
      assert.equal(sent.body.schedule.nextFireAt, at);
      const upcoming = await api('/api/schedules').get('/api/schedules/upcoming').set('authorization', `Bearer ${s.admin}`).expect(200);
      assert.ok(upcoming.body.occurrences.some((o: { alertId: string; at: string }) => o.alertId === id && o.at === at), 'listed as upcoming');

      await eventually(() => alice.alerts.length === 1, 15_000, 'the alert at its time');
      assert.ok(seen.alertAt! >= Date.parse(at), 'never before its time');
      assert.equal(alice.alerts[0].occurrenceId, `${id}@${at}`);
      assert.equal(alice.alerts[0].validUntil, validUntil);

      await eventually(() => alice.recalls.length === 1, 15_000, 'the alert to be taken down at validUntil');
      assert.ok(seen.recallAt! >= Date.parse(validUntil), 'not taken down before validUntil');
      assert.deepEqual(alice.recalls[0], { occurrenceId: `${id}@${at}`, alertId: id, reason: 'expired' });

      const deliveries = await eventually(async () => {
        const res = await api('/api/alerts').get(`/api/alerts/${id}/deliveries`).set('authorization', `Bearer ${s.admin}`).expect(200);
        return res.body.deliveries.every((d: DeliveryView) => d.state === 'expired') ? res.body.deliveries : null;
      }, 5_000, 'undisplayed deliveries to expire');
      assert.deepEqual(deliveries.map((d: DeliveryView) => d.userId), DEMO.engineering);

      const again = await connect('alice');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(again.alerts.length, 0, 'an expired alert is not pending on reconnect');
    });

    test('do-not-disturb holds an info alert until it is turned off, a critical one comes through; an edit before the firing is what is sent', async () => {
      const erin = await connect('erin');
      const token = await login(s.h.route, 'erin');
      const me = () => api('/api/me').put('/api/me/do-not-disturb').set('authorization', `Bearer ${token}`);
      const until = new Date(Date.now() + 3_600_000).toISOString();
      assert.equal((await me().send({ until }).expect(200)).body.activeUntil, until);
      const send = async (o: Record<string, unknown>, timing?: Record<string, unknown>) => {
        const created = await api('/api/alerts').post('/api/alerts').set('authorization', `Bearer ${s.admin}`).send(newAlert({ audience: { users: ['erin'], groups: [] }, ...o })).expect(201);
        await api('/api/alerts').post(`/api/alerts/${created.body.id}/send`).set('authorization', `Bearer ${s.admin}`).send(timing ?? {}).expect(202);
        return created.body.id as string;
      };
      const info = await send({ title: 'Lunch menu', severity: 'info' });
      const critical = await send({ title: 'Fire alarm', severity: 'critical' });
      await eventually(() => erin.alerts.some((a) => a.alertId === critical), 10_000, 'the critical alert');
      await eventually(async () => {
        const res = await api('/api/alerts').get(`/api/alerts/${info}/deliveries`).set('authorization', `Bearer ${s.admin}`).expect(200);
        return res.body.deliveries[0]?.heldUntil === until;
      }, 10_000, 'the info alert held');
      assert.ok(!erin.alerts.some((a) => a.alertId === info), 'held back');
      await me().send({}).expect(200);
      await eventually(() => erin.alerts.some((a) => a.alertId === info), 10_000, 'the info alert once do-not-disturb is off');

      const at = new Date(Math.ceil((Date.now() + 3_000) / 1000) * 1000).toISOString();
      const later = await send({ title: 'Draft wording' }, { at });
      await api('/api/alerts').patch(`/api/alerts/${later}`).set('authorization', `Bearer ${s.admin}`).send({ title: 'Final wording' }).expect(200);
      const shown = await eventually(() => erin.alerts.find((a) => a.alertId === later), 15_000, 'the scheduled alert');
      assert.equal(shown.title, 'Final wording');
    });

    test('recall takes a sent alert off connected screens at once', async () => {
      const bob = await connect('bob');
      const created = await api('/api/alerts').post('/api/alerts').set('authorization', `Bearer ${s.admin}`).send(newAlert()).expect(201);
      const id = created.body.id as string;
      await api('/api/alerts').post(`/api/alerts/${id}/send`).set('authorization', `Bearer ${s.admin}`).expect(202);
      await eventually(() => bob.alerts.some((a) => a.alertId === id), 5_000, 'the alert');
      await api('/api/alerts').post(`/api/alerts/${id}/recall`).set('authorization', `Bearer ${s.admin}`).expect(202);
      await eventually(() => bob.recalls.some((r) => r.alertId === id), 5_000, 'the recall');
      const res = await api('/api/alerts').get(`/api/alerts/${id}/deliveries`).set('authorization', `Bearer ${s.admin}`).expect(200);
      assert.deepEqual(res.body.deliveries.map((d: DeliveryView) => `${d.userId}:${d.state}`), res.body.deliveries.map((d: DeliveryView) => `${d.userId}:recalled`));
      assert.equal(res.body.counts.recalled, 3);
    });
  });
}
