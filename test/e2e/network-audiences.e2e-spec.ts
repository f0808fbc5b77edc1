import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { DEMO, deliveriesOf, DistributedHarness, eventually, login, newAlert, Proc, Recipient, sendAlert, startDistributed } from '@herald/testing';

/**
 * Network-range audiences across processes: two gateways report presence over RabbitMQ, two directory replicas
 * share it through the store (FerretDB/MongoDB), and delivery targets a recipient who connects later, through the
 * other gateway, from a targeted address. Clients bind distinct loopback source addresses (`localAddress`).
 */
describe('network-range audiences — distributed (RabbitMQ, FerretDB/MongoDB, OpenLDAP, 2 gateways, 2 directories)', () => {
  let h: DistributedHarness;
  let gateway2: Proc;
  let directory2: Proc;
  let admin: string;
  const sockets: Recipient[] = [];
  const connect = async (url: string, user: string, localAddress: string) => {
    const r = await Recipient.connect(url, await login(h.route, user), { hello: { kind: 'agent', hostname: `${user}-laptop` }, localAddress });
    sockets.push(r);
    return r;
  };
  const previewAt = async (url: string, audience: Record<string, unknown>) =>
    ((await request(url).post('/api/audiences/preview').set('authorization', `Bearer ${admin}`).send({ audience }).expect(200)).body.members as { id: string }[]).map((m) => m.id).sort();

  before(async () => {
    h = await startDistributed({ PRESENCE_HEARTBEAT_SECONDS: '5' });
    [gateway2, directory2] = await Promise.all([h.startAnother('gateway'), h.startAnother('directory')]);
    admin = await login(h.route, DEMO.admin);
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await h?.close();
  });

  test('presence reported through either gateway is seen by either directory replica', async () => {
    await connect(gateway2.url, 'alice', '127.0.0.21');
    await connect(h.gatewayUrl, 'bob', '127.0.0.22');
    for (const url of [h.route('/api/audiences'), directory2.url]) {
      await eventually(async () => JSON.stringify(await previewAt(url, { networks: ['127.0.0.21/32'] })) === '["alice"]', 10_000, `alice placed, asked at ${url}`);
      await eventually(async () => JSON.stringify(await previewAt(url, { networks: ['127.0.0.20/30'] })) === '["alice","bob"]', 10_000, 'both in a /30');
      await eventually(async () => JSON.stringify(await previewAt(url, { computers: [] as string[], users: [], groups: ['engineering'], exclude: { networks: ['127.0.0.22/32'] } })) === '["alice","erin"]', 10_000, 'engineering except bob\'s network');
    }
  });

  test('an alert to a network nobody is on yet reaches the recipient who connects there later, through another gateway', async () => {
    const sent = await sendAlert(h.route, admin, newAlert({ title: 'Wing B: fire door test', severity: 'warning', audience: { users: [], groups: [], networks: ['127.0.0.23/32'] } }));
    await eventually(async () => (await request(h.route('/api/audit')).get(`/api/audit?alertId=${sent.id}`).set('authorization', `Bearer ${admin}`).expect(200)).body.entries.some((e: { action: string }) => e.action === 'occurrence.dispatched'), 10_000, 'dispatched');
    assert.deepEqual(await deliveriesOf(h.route, admin, sent.id), [], 'nobody there at send time');

    const dave = await connect(gateway2.url, 'dave', '127.0.0.23');
    await eventually(() => dave.alerts.some((a) => a.occurrenceId === sent.occurrenceId), 10_000, 'dave gets it on connect');
    const erin = await connect(h.gatewayUrl, 'erin', '127.0.0.24');
    await eventually(async () => (await deliveriesOf(h.route, admin, sent.id)).find((d) => d.userId === 'dave')?.sentAt, 10_000, 'dave sent');
    assert.deepEqual((await deliveriesOf(h.route, admin, sent.id)).map((d) => d.userId), ['dave']);
    assert.equal(erin.alerts.some((a) => a.occurrenceId === sent.occurrenceId), false, 'erin connects from elsewhere');
  });
});
