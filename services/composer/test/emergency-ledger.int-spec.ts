import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, TooManyRequestsError, UnprocessableError } from '@herald/contracts';
import { MongoStore, SqliteStore, Store } from '@herald/persistence';
import { servers, uniqueName } from '@herald/testing';
import type { AlertView } from '../src/alerts/alerts.service';
import { IdempotencyLedger } from '../src/emergency/idempotency-ledger';
import { WebhookRateLimit } from '../src/emergency/webhook-rate-limit';

const HOUR = 3_600_000;
const t0 = new Date(Date.UTC(2026, 11, 4, 9, 0, 10));
const later = (ms: number) => new Date(t0.getTime() + ms);
const alert = (id: string) => ({ id, title: `alert ${id}` }) as unknown as AlertView;

/**
 * The two shared records of the firing paths, as two composer replicas on one database see them (SQLite, and
 * MongoDB wire via FerretDB with two connections): an Idempotency-Key is claimed by exactly one of any number of
 * concurrent requests, and a template's webhook minute never holds more firings than the limit.
 */
for (const [name, open] of [
  ['SqliteStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-emergency-store-'));
    const store = new SqliteStore(join(dir, 'composer.db'));
    return { stores: [store, store] as Store[], dispose: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
  }],
  ['MongoStore (FerretDB), two replicas on one database', async () => {
    const db = uniqueName('emergency').replace(/-/g, '_');
    const a = await MongoStore.connect(servers.mongoUrl, db);
    const b = await MongoStore.connect(servers.mongoUrl, db);
    return { stores: [a, b] as Store[], dispose: async () => { await a.dropDatabase(); await a.close(); await b.close(); } };
  }],
] as const) {
  describe(`emergency idempotency keys and webhook limit: ${name}`, () => {
    let ledgers: IdempotencyLedger[];
    let limits: WebhookRateLimit[];
    let dispose: () => Promise<unknown>;
    before(async () => {
      const opened = await open();
      dispose = opened.dispose;
      ledgers = await Promise.all(opened.stores.map((s) => IdempotencyLedger.open(s, 24 * HOUR, 1_000)));
      limits = await Promise.all(opened.stores.map((s) => WebhookRateLimit.open(s, 3)));
    });
    after(async () => dispose?.());

    test('of 8 concurrent requests with one key on two replicas, one claims it; the others wait and replay its alert', async () => {
      const racing = Array.from({ length: 8 }, (_, i) => ledgers[i % 2].claim('k-concurrent', 'body-a', t0));
      const first = await Promise.race(racing);
      assert.equal(first.kind, 'claimed', 'the others wait for the first one to fire');
      if (first.kind !== 'claimed') return;
      await ledgers[1].complete(first.claim, alert('a1'));
      const all = await Promise.all(racing);
      assert.equal(all.filter((r) => r.kind === 'claimed').length, 1);
      assert.deepEqual(all.flatMap((r) => (r.kind === 'replay' ? [r.alert.id] : [])), Array(7).fill('a1'));
      // After the answer too, on either replica.
      assert.deepEqual(await ledgers[0].claim('k-concurrent', 'body-a', later(HOUR)), { kind: 'replay', alert: alert('a1') });
    });

    test('the same key with another body is a 422 naming the header; a released key may fire again', async () => {
      const first = await ledgers[0].claim('k-body', 'body-a', t0);
      assert.equal(first.kind, 'claimed');
      await assert.rejects(ledgers[1].claim('k-body', 'body-b', t0), (e: unknown) => e instanceof UnprocessableError && e.field === 'Idempotency-Key');
      if (first.kind === 'claimed') await ledgers[0].release(first.claim);
      assert.equal((await ledgers[1].claim('k-body', 'body-b', t0)).kind, 'claimed', 'a failed firing gives its key back');
    });

    test('a claim left pending by a dead replica is taken over after its lease; before that a duplicate is told to retry', async () => {
      const dead = await ledgers[0].claim('k-dead', 'body-a', t0);
      assert.equal(dead.kind, 'claimed');
      await assert.rejects(ledgers[1].claim('k-dead', 'body-a', later(1_000)), (e: unknown) => e instanceof ConflictError && /still being processed/.test(e.message));
      const taken = await ledgers[1].claim('k-dead', 'body-a', later(61_000));
      assert.equal(taken.kind, 'claimed');
      if (dead.kind === 'claimed') await ledgers[0].complete(dead.claim, alert('zombie'));
      if (taken.kind === 'claimed') await ledgers[1].complete(taken.claim, alert('a2'));
      assert.deepEqual(await ledgers[0].claim('k-dead', 'body-a', later(62_000)), { kind: 'replay', alert: alert('a2') }, 'the dead owner cannot complete a claim it lost');
    });

    test('keys older than the retention window count as absent, and the purge deletes them', async () => {
      const old = await ledgers[0].claim('k-old', 'body-a', t0);
      if (old.kind === 'claimed') await ledgers[0].complete(old.claim, alert('old'));
      assert.equal((await ledgers[1].claim('k-old', 'body-b', later(25 * HOUR))).kind, 'claimed', 'a day later the key is free, whatever the body');
      const purged = await ledgers[0].purge(later(24 * HOUR));
      assert.ok(purged >= 3, `the keys of the earlier tests are purged (${purged})`);
      assert.equal(await ledgers[1].purge(later(24 * HOUR)), 0);
      assert.equal((await ledgers[1].claim('k-concurrent', 'body-z', later(24 * HOUR + 1))).kind, 'claimed', 'a purged key is free');
    });

    test('10 concurrent webhook firings on two replicas take exactly the 3 slots of the minute; the rest get 429 with Retry-After', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => limits[i % 2].take('tpl-flap', t0)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      assert.equal(refused.length, 7);
      for (const e of refused) {
        assert.ok(e instanceof TooManyRequestsError, String(e));
        assert.equal(e.retryAfterSeconds, 50, 'the minute started 10 s ago');
      }
      await limits[0].take('tpl-other', t0);
      await limits[1].take('tpl-flap', later(50_000));
      assert.equal(await limits[0].purge(later(50_000)), 0, 'the current minute is kept');
      assert.equal(await limits[0].purge(later(170_000)), 5, 'past minutes are purged');
    });
  });
}
