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
      assert.deepEqual(alice.recalls[0], { occurrenceId: `${id}@${at}`, alertId: id });

      const deliveries = await eventually(async () => {
        const res = await api('/api/alerts').get(`/api/alerts/${id}/deliveries`).set('authorization', `Bearer ${s.admin}`).expect(200);
        return res.body.deliveries.every((d: DeliveryView) => d.state === 'expired') ? res.body.deliveries : null;
      }, 5_000, 'undisplayed deliveries to expire');
      assert.deepEqual(deliveries.map((d: DeliveryView) => d.userId), DEMO.engineering);

      const again = await connect('alice');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(again.alerts.length, 0, 'an expired alert is not pending on reconnect');
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
      assert.ok(res.body.deliveries.every((d: DeliveryView) => d.state === 'recalled'));
      assert.equal(res.body.counts.recalled, 3);
    });
  });
}
