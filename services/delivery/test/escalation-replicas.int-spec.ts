import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EmergencyDispatchRequested, EscalationDue, ListDeliveries } from '@herald/contracts';
import { RabbitMqBus } from '@herald/messaging';
import { MongoStore } from '@herald/persistence';
import { distributedEnv, eventually, servers, startProcess, TestSmtpServer, uniqueName } from '@herald/testing';

/**
 * Three delivery processes share one RabbitMQ namespace and one FerretDB/MongoDB database (with a directory process
 * on the test slapd). The test plays the scheduler and publishes the same escalation three times at once, as a
 * redelivery or a scheduler re-run would: the competing consumers race for it, and each person must be e-mailed
 * exactly once (one run per occurrence: the store's unique `_id`, which FerretDB v1 enforces like MongoDB).
 */
describe('escalation: exactly once with 3 delivery replicas (RabbitMQ + FerretDB/MongoDB + slapd + SMTP)', { timeout: 120_000 }, () => {
  const ns = uniqueName('t');
  const dbPrefix = distributedEnv(ns).MONGODB_DB_PREFIX;
  const procs: Awaited<ReturnType<typeof startProcess>>[] = [];
  let bus: RabbitMqBus;
  let smtp: TestSmtpServer;

  before(async () => {
    smtp = await TestSmtpServer.start();
    const env = { ...distributedEnv(ns), SMTP_URL: smtp.url, HERALD_MAIL_FROM: 'herald@example.com' };
    procs.push(await startProcess('directory', env));
    for (let i = 0; i < 3; i++) procs.push(await startProcess('delivery', env));
    bus = new RabbitMqBus(servers.amqpUrl, { namespace: ns });
    await bus.connect();
  });

  after(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await bus?.close();
    await smtp?.close();
    const drop = (async () => {
      for (const svc of ['delivery', 'directory']) {
        const store = await MongoStore.connect(servers.mongoUrl, `${dbPrefix}${svc}`);
        await store.dropDatabase();
        await store.close();
      }
    })();
    await Promise.race([drop, new Promise((r) => setTimeout(r, 15_000).unref())]);
  });

  test('the same escalation published three times at once e-mails each silent recipient once', async () => {
    const alertId = `${ns}-evac`;
    const occurrenceId = `${alertId}.1`;
    const people = ['alice', 'bob', 'dave'];
    await bus.publish(EmergencyDispatchRequested, {
      alertId,
      occurrenceId,
      content: { title: 'Evacuate', body: '<p>Now.</p>', severity: 'emergency', presentation: 'fullscreen', responses: [{ id: 'safe', label: 'I am safe' }] },
      audience: { users: people, groups: [] },
      validUntil: new Date(Date.now() + 3_600_000).toISOString(),
      requestedBy: 'carol',
    });
    await eventually(async () => (await bus.request(ListDeliveries, { alertId })).deliveries.length === people.length, 30_000, 'the deliveries');

    const policy = { afterMinutes: 5, email: true, manager: false };
    await Promise.all([1, 2, 3].map(() => bus.publish(EscalationDue, { alertId, occurrenceId, policy })));
    await eventually(() => smtp.received.length >= people.length, 30_000, 'the escalation e-mails');
    // Let every replica finish whatever it picked up: a duplicate would show up now.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(smtp.received.flatMap((m) => m.to).sort(), people.map((u) => `${u}@example.com`));
    const { deliveries } = await bus.request(ListDeliveries, { alertId });
    assert.deepEqual(deliveries.map((d) => [d.userId, d.escalation?.state, d.escalation?.to]), people.map((u) => [u, 'sent', `${u}@example.com`]));
    assert.equal(procs.filter((p) => /"msg":"listening"/.test(p.output())).length, 4, 'directory and all three delivery replicas were up');
  });
});
