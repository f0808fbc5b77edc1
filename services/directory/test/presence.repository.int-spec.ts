import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PresenceReport } from '@herald/contracts';
import { MongoStore, SqliteStore, Store } from '@herald/persistence';
import { servers, uniqueName } from '@herald/testing';
import { PresenceRepository } from '../src/presence/presence.repository';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute)).toISOString();
const report = (over: Partial<PresenceReport>): PresenceReport => ({ userId: 'alice', sessionId: 'gw1:s1', computer: 'PAR-WS-001', address: '10.1.2.3', state: 'connected', at: at(0), ...over });

/**
 * Presence records on both store adapters (SQLite, and MongoDB wire via FerretDB), as two directory replicas see
 * them: reports applied in any order and more than once leave the same record, one per user and computer (or per
 * user and address without a computer), and old records are purged.
 */
for (const [name, open] of [
  ['SqliteStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-presence-store-'));
    const store = new SqliteStore(join(dir, 'directory.db'));
    return { stores: [store, store] as Store[], dispose: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
  }],
  ['MongoStore (FerretDB), two replicas on one database', async () => {
    const db = uniqueName('presence').replace(/-/g, '_');
    const a = await MongoStore.connect(servers.mongoUrl, db);
    const b = await MongoStore.connect(servers.mongoUrl, db);
    return { stores: [a, b] as Store[], dispose: async () => { await a.dropDatabase(); await a.close(); await b.close(); } };
  }],
] as const) {
  describe(`presence records: ${name}`, () => {
    let replicas: PresenceRepository[];
    let dispose: () => Promise<unknown>;
    before(async () => {
      const opened = await open();
      dispose = opened.dispose;
      replicas = await Promise.all(opened.stores.map((s) => PresenceRepository.open(s)));
    });
    after(async () => dispose?.());

    const records = async (repo: PresenceRepository) => {
      const all = [];
      for await (const batch of repo.seenSince(at(-600))) all.push(...batch);
      return all.sort((x, y) => `${x.userId}${x.host}${x.address}`.localeCompare(`${y.userId}${y.host}${y.address}`));
    };

    test('one record per user and computer, written by one replica, read by the other; late reports never move it back', async () => {
      const [a, b] = replicas;
      await a.apply([report({})]);
      await a.apply([report({ sessionId: 'gw2:s9', address: '10.9.0.7', at: at(10) })]); // same user and computer, a new session
      await a.apply([report({ state: 'seen', at: at(5) })]); // late heartbeat of the old session: ignored
      await a.apply([report({ state: 'disconnected', at: at(6) })]); // late disconnect of the old session: ignored
      const [rec] = await records(b);
      assert.equal((await records(b)).length, 1);
      assert.deepEqual({ ...rec, _id: undefined }, { _id: undefined, userId: 'alice', computer: 'PAR-WS-001', host: 'par-ws-001', hostShort: 'par-ws-001', address: '10.9.0.7', sessionId: 'gw2:s9', connectedAt: at(10), lastSeenAt: at(10), disconnectedAt: null });

      await b.apply([report({ sessionId: 'gw2:s9', state: 'disconnected', at: at(20) }), report({ sessionId: 'gw2:s9', state: 'disconnected', at: at(20) })]);
      const [gone] = await records(a);
      assert.equal(gone.disconnectedAt, at(20));
      assert.equal(gone.lastSeenAt, at(20));
    });

    test('a browser (no computer) is kept per address; lookups by short host name and by user', async () => {
      const [a, b] = replicas;
      await a.apply([report({ userId: 'bob', computer: undefined, sessionId: 'gw1:s2', address: '2001:db8::5', at: at(30) }), report({ userId: 'bob', computer: 'par-ws-002.corp.example.com', sessionId: 'gw1:s3', address: '10.1.0.9', at: at(30) })]);
      assert.equal((await records(b)).length, 3);
      assert.deepEqual((await b.onHosts(['par-ws-002'], at(0))).map((r) => [r.userId, r.host]), [['bob', 'par-ws-002.corp.example.com']]);
      assert.deepEqual((await b.onHosts(['par-ws-001'], at(25))), [], 'alice was last seen before the window');
      assert.deepEqual((await b.ofUser('bob', at(0))).map((r) => r.address).sort(), ['10.1.0.9', '2001:db8::5']);
    });

    test('records not seen since the cut-off are purged', async () => {
      const [a, b] = replicas;
      assert.equal(await a.purge(at(25)), 1);
      assert.deepEqual((await records(b)).map((r) => r.userId), ['bob', 'bob']);
    });

    test('a connect and its disconnect in one batch, for a new record, leave it disconnected', async () => {
      const [a] = replicas;
      await a.apply([report({ userId: 'erin', computer: 'LIL-LAB-01', sessionId: 'gw1:s7', at: at(40) }), report({ userId: 'erin', computer: 'LIL-LAB-01', sessionId: 'gw1:s7', state: 'disconnected', at: at(41) })]);
      const erin = (await records(a)).find((r) => r.userId === 'erin');
      assert.equal(erin?.connectedAt, at(40));
      assert.equal(erin?.disconnectedAt, at(41));
    });
  });
}
