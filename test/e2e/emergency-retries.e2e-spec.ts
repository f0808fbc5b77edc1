import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { DEMO, deliveriesOf, DistributedHarness, eventually, login, Proc, Recipient, startDistributed, uniqueName } from '@herald/testing';

const WEBHOOK_TOKEN = 'test-emergency-webhook-token-0123456789';

/**
 * Retried and flapping firings across two composer replicas (separate processes, RabbitMQ, FerretDB/MongoDB): one
 * Idempotency-Key fires one alert whichever replicas the repeats reach, and the webhook's per-template limit holds
 * for both replicas together. Counted on the recipient's socket and in the deliveries.
 */
describe('emergency retries across composer replicas — distributed (RabbitMQ, FerretDB/MongoDB, OpenLDAP, 2 composers)', () => {
  let h: DistributedHarness;
  let composer2: Proc;
  let grace: string;
  let carol: string;
  let dave: Recipient;

  before(async () => {
    h = await startDistributed({ EMERGENCY_WEBHOOK_TOKEN: WEBHOOK_TOKEN, EMERGENCY_WEBHOOK_MAX_PER_MINUTE: '3' });
    composer2 = await h.startAnother('composer');
    [grace, carol] = await Promise.all([DEMO.crisis, DEMO.admin].map((u) => login(h.route, u)));
    dave = await Recipient.connect(h.gatewayUrl, await login(h.route, 'dave'));
  });
  after(async () => {
    dave?.close();
    await h?.close();
  });

  const replicas = () => [h.route('/api/emergency'), composer2.url];
  const template = async () => {
    const title = uniqueName('Lockdown');
    const t = (await request(h.route('/api/templates')).post('/api/templates').set('authorization', `Bearer ${carol}`).send({ name: title, title, body: '<p>Stay where you are.</p>', audience: { users: ['dave'], groups: [] } }).expect(201)).body;
    return { id: t.id as string, title };
  };
  const received = async (title: string, expected: number) => {
    await eventually(() => dave.alerts.filter((a) => a.title === title).length >= expected, 10_000, `${expected} alert(s) "${title}" on dave's screen`);
    await new Promise((r) => setTimeout(r, 500));
    return dave.alerts.filter((a) => a.title === title).length;
  };

  test('6 concurrent requests with one key, spread over both replicas, fire one alert and one delivery', async () => {
    const t = await template();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => request(replicas()[i % 2]).post('/api/emergency').set('authorization', `Bearer ${grace}`).set('Idempotency-Key', 'badge-reader-7:door-3').send({ templateId: t.id })),
    );
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 202]);
    assert.equal(new Set(answers.map((r) => r.body.id)).size, 1);
    assert.equal(await received(t.title, 1), 1);
    assert.equal((await deliveriesOf(h.route, carol, answers[0].body.id)).length, 1);
  });

  test('8 concurrent webhook firings of one template over both replicas: 3 go out, 5 get 429 with Retry-After', async () => {
    const t = await template();
    // The limit counts per minute: start well inside one, so all 8 fall into the same.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => request(replicas()[i % 2]).post(`/api/emergency/webhook/${t.id}`).set('authorization', `Bearer ${WEBHOOK_TOKEN}`)));
    assert.deepEqual(answers.map((r) => r.status).sort(), [202, 202, 202, 429, 429, 429, 429, 429]);
    for (const r of answers.filter((a) => a.status === 429)) assert.ok(Number(r.headers['retry-after']) >= 1 && Number(r.headers['retry-after']) <= 60, r.headers['retry-after']);
    assert.equal(await received(t.title, 3), 3, 'nothing beyond the limit went out');
  });
});
