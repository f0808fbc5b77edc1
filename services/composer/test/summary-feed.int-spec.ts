import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadEnv } from '@herald/config';
import { Collection, CollectionSpec, Doc, Store } from '@herald/persistence';
import { bootHerald, createInfra, RunningHerald } from '@herald/runtime';
import { DEMO, DEMO_LDIF, eventually, login, newAlert, Recipient, sendAlert, SseReader } from '@herald/testing';
import { ALL_SERVICES } from '../../single-node/src/services';
import { SummaryFeeds } from '../src/accountability/summary-feeds';

const READS = ['find', 'findOne', 'count', 'stream'] as const;

/** The real store, with every read of collection `name` counted (the SQLite collection does the work). */
function countingReads(store: Store, name: string): { store: Store; reads: () => number } {
  let reads = 0;
  const counted = <T extends Doc>(c: Collection<T>): Collection<T> =>
    new Proxy(c, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if ((READS as readonly (string | symbol)[]).includes(prop)) reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return {
    reads: () => reads,
    store: {
      collection: async <T extends Doc>(spec: CollectionSpec) => {
        const c = await store.collection<T>(spec);
        return spec.name === name ? counted(c) : c;
      },
      ping: () => store.ping(),
      close: () => store.close(),
    },
  };
}

type Summary = { byState: Record<string, number>; byResponse: { id: string; count: number }[] };

/**
 * The live accountability board is computed once per alert per tick, whoever watches it: two viewers of one
 * emergency get identical summaries, and each tick reads delivery's `deliveries` collection exactly once.
 * All services in-process (SQLite, in-process bus, demo directory); the refresh timer is set to a minute so the
 * test drives the ticks itself.
 */
describe('shared live summary feed (all services in-process)', () => {
  let dir: string;
  let herald: RunningHerald;
  let deliveryReads: () => number;
  const sockets: Recipient[] = [];
  const streams: SseReader[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-feed-'));
    const infra = await createInfra(loadEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', SQLITE_DIR: dir, DIRECTORY_LDIF: DEMO_LDIF(), SUMMARY_REFRESH_MS: '60000', RECEIPT_BATCH_MS: '5' }), 'feed-test');
    const storeOf = infra.store.bind(infra);
    // Several delivery repositories open the delivery store (deliveries, escalation, do-not-disturb, late join):
    // every opening is counted, whichever of them reads `deliveries`.
    const counters: (() => number)[] = [];
    deliveryReads = () => counters.reduce((sum, reads) => sum + reads(), 0);
    infra.store = async (service) => {
      if (service !== 'delivery') return storeOf(service);
      const wrapped = countingReads(await storeOf(service), 'deliveries');
      counters.push(wrapped.reads);
      return wrapped.store;
    };
    herald = await bootHerald('feed-test', ALL_SERVICES, infra);
  });
  after(async () => {
    streams.forEach((s) => s.close());
    sockets.forEach((s) => s.close());
    await herald?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('two viewers get the same counts; each tick reads the deliveries once for both', async () => {
    const route = () => herald.url;
    const [grace, carol] = await Promise.all([login(route, DEMO.crisis), login(route, DEMO.admin)]);
    const sent = await sendAlert(route, grace, newAlert({ severity: 'emergency', title: 'Fire in building A', audience: { users: ['alice', 'dave', 'erin'], groups: [] } }));
    const [alice, dave] = await Promise.all(['alice', 'dave'].map(async (u) => Recipient.connect(herald.url, await login(route, u))));
    sockets.push(alice, dave);
    await eventually(() => [alice, dave].every((r) => r.alerts.some((a) => a.alertId === sent.id)), 5_000, 'both to receive it');

    const feeds = herald.app.get(SummaryFeeds);
    const url = `${herald.url}/api/alerts/${sent.id}/summary/stream`;
    streams.push(await SseReader.open(url, grace), await SseReader.open(url, carol));
    const seen = (n: number) => streams.map((s) => s.events<Summary>('summary')[n - 1]);
    await eventually(() => seen(1).every(Boolean), 5_000, 'both viewers to get the first summary');
    assert.deepEqual(seen(1)[0], seen(1)[1]);

    for (const [who, answer, n] of [[alice, 'safe', 2], [dave, 'help', 3]] as const) {
      assert.equal((await who.respond(sent.occurrenceId, answer)).ok, true);
      const summaryNow = async () => (await request(herald.url).get(`/api/alerts/${sent.id}/summary`).set('authorization', `Bearer ${grace}`).expect(200)).body as Summary;
      await eventually(async () => (await summaryNow()).byState.responded === n - 1, 5_000, 'delivery to record the answer');

      const before = deliveryReads();
      await feeds.tick();
      assert.equal(deliveryReads() - before, 1, 'one read of the deliveries for both viewers');
      await eventually(() => seen(n).every(Boolean), 5_000, `both viewers to get summary ${n}`);
      assert.deepEqual(seen(n)[0], seen(n)[1], 'both viewers see the same board');
      assert.equal(seen(n)[0].byState.responded, n - 1);
      assert.equal(seen(n)[0].byResponse.find((r) => r.id === answer)?.count, 1);
    }
  });
});
