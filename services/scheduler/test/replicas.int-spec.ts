import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateSchedule, DispatchRequested, ExpiryDue } from '@herald/contracts';
import { RabbitMqBus } from '@herald/messaging';
import { MongoStore } from '@herald/persistence';
import { distributedEnv, eventually, servers, startProcess, uniqueName } from '@herald/testing';

/**
 * Three scheduler processes share one RabbitMQ namespace and one FerretDB/MongoDB database and tick every
 * 100 ms, racing for the same jobs. The test plays delivery: it consumes what the scheduler publishes and counts
 * each occurrence. Each must arrive exactly once.
 */
describe('scheduler: exactly-once firing with 3 replicas (RabbitMQ + FerretDB/MongoDB)', { timeout: 120_000 }, () => {
  const ns = uniqueName('t');
  const dbPrefix = distributedEnv(ns).MONGODB_DB_PREFIX;
  const procs: Awaited<ReturnType<typeof startProcess>>[] = [];
  let bus: RabbitMqBus;
  const dispatched: string[] = [];
  const expired: string[] = [];

  before(async () => {
    const env: Record<string, string> = { ...distributedEnv(ns), SCHEDULER_TICK_MS: '100' };
    bus = new RabbitMqBus(servers.amqpUrl, { namespace: ns });
    await bus.connect();
    await bus.consume(DispatchRequested, async (d) => void dispatched.push(d.occurrenceId));
    await bus.consume(ExpiryDue, async (e) => void expired.push(e.occurrenceId));
    for (let i = 0; i < 3; i++) procs.push(await startProcess('scheduler', env));
  });

  after(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await bus?.close();
    // Best effort: a busy shared server must not hold the suite hostage over cleanup.
    const drop = (async () => {
      const store = await MongoStore.connect(servers.mongoUrl, `${dbPrefix}scheduler`);
      await store.dropDatabase();
      await store.close();
    })();
    await Promise.race([drop, new Promise((r) => setTimeout(r, 15_000).unref())]);
  });

  test('12 alerts due at the same instant fire once each, and each expiry is published once', async () => {
    const at = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000).toISOString();
    const ids = Array.from({ length: 12 }, (_, i) => `${ns}-a${i}`);
    for (const alertId of ids) {
      await bus.request(CreateSchedule, {
        alertId,
        content: { title: `t${alertId}`, body: 'b', severity: 'info', presentation: 'popup' },
        audience: { users: ['alice'], groups: [] },
        spec: { at, validFor: 'PT2S' },
        requestedBy: 'carol',
      });
    }
    const want = ids.map((id) => `${id}@${at}`).sort();
    await eventually(() => expired.length >= want.length, 20_000, 'every occurrence to fire and expire');
    // Let every replica tick many more times: a duplicate would show up now.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual([...dispatched].sort(), want, 'each occurrence dispatched exactly once');
    assert.deepEqual([...expired].sort(), want, 'each expiry published exactly once');
    const firedBy = procs.map((p) => (p.output().match(/"msg":"listening"/g) ?? []).length);
    assert.deepEqual(firedBy, [1, 1, 1], 'all three replicas were up');
  });
});
