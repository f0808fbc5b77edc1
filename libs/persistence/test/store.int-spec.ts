import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection, Doc, Filter, MongoStore, SqliteStore, Store } from '@herald/persistence';
import { servers, uniqueName } from '@herald/testing';

/**
 * Contract suite of the store port (libs/persistence/src/collection.ts): the same tests run against the embedded
 * SQLite store and the MongoDB store (FerretDB or MongoDB), so both give identical semantics.
 */

interface Opened {
  store: Store;
  dispose(): Promise<void>;
}

const STORES: [string, () => Promise<Opened>][] = [
  [
    'SqliteStore',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'herald-store-'));
      const store = new SqliteStore(join(dir, 'test.db'));
      return {
        store,
        dispose: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'MongoStore (MongoDB wire: FerretDB/MongoDB)',
    async () => {
      const store = await MongoStore.connect(servers.mongoUrl, uniqueName('t').replace(/-/g, '_'));
      return {
        store,
        dispose: async () => {
          try {
            await store.dropDatabase();
          } finally {
            await store.close();
          }
        },
      };
    },
  ],
];

/** A delivery-like document: forward-only rank, set-once timestamps, optional fields. */
interface Item extends Doc {
  title?: string;
  state?: string;
  rank?: number;
  at?: string | null;
  group?: string | null;
  flag?: boolean;
  meta?: Record<string, unknown>;
  tags?: unknown[];
}

const ids = (docs: Doc[]) => docs.map((d) => d._id);
const sortedIds = (docs: Doc[]) => ids(docs).sort();

for (const [name, open] of STORES) {
  describe(`Store contract — ${name}`, () => {
    let opened: Opened;
    let seq = 0;
    /** A fresh, empty collection per test, so tests never see each other's documents. */
    const fresh = <T extends Doc = Item>(indexes: string[][] = []): Promise<Collection<T>> => opened.store.collection<T>({ name: `c${++seq}`, indexes });

    before(async () => {
      opened = await open();
    });
    after(async () => {
      await opened?.dispose();
    });

    test('ping resolves while the database answers (readiness)', async () => {
      await opened.store.ping();
    });

    test('insertNew is idempotent: a second insert of the same _id returns 0 and does not overwrite', async () => {
      const c = await fresh();
      assert.equal(await c.insertNew([]), 0, 'nothing to insert');
      assert.equal(await c.insertNew([{ _id: 'a', title: 'first', rank: 1 }]), 1);
      assert.equal(await c.insertNew([{ _id: 'a', title: 'second', rank: 2 }]), 0);
      assert.equal(await c.insertNew([{ _id: 'a', title: 'third' }]), 0);
      assert.deepEqual(await c.findOne({ _id: 'a' }), { _id: 'a', title: 'first', rank: 1 });
      assert.equal(await c.count({}), 1);
    });

    test('insertNew with a mix of new and existing ids returns only the new count and leaves the existing ones alone', async () => {
      const c = await fresh();
      assert.equal(await c.insertNew([{ _id: 'a', title: 'A' }, { _id: 'b', title: 'B' }]), 2);
      const n = await c.insertNew([
        { _id: 'a', title: 'A2' },
        { _id: 'c', title: 'C' },
        { _id: 'b', title: 'B2' },
        { _id: 'd', title: 'D' },
      ]);
      assert.equal(n, 2);
      assert.deepEqual(await c.find({}, { sort: [['_id', 1]] }), [
        { _id: 'a', title: 'A' },
        { _id: 'b', title: 'B' },
        { _id: 'c', title: 'C' },
        { _id: 'd', title: 'D' },
      ]);
      // The same id twice in one batch: the first copy wins, counted once.
      assert.equal(await c.insertNew([{ _id: 'e', title: 'E1' }, { _id: 'e', title: 'E2' }, { _id: 'a', title: 'A3' }]), 1);
      assert.deepEqual(await c.findOne({ _id: 'e' }), { _id: 'e', title: 'E1' });
      assert.equal(await c.count({}), 5);
    });

    test('deleteWhere removes exactly the matching documents (an _id range here) and counts them', async () => {
      const c = await fresh();
      await c.insertNew(Array.from({ length: 10 }, (_, i) => ({ _id: `d${i}`, rank: i })));
      assert.equal(await c.deleteWhere({ _id: { $lte: 'd3' } }), 4);
      assert.equal(await c.deleteWhere({ _id: { $lte: 'd3' } }), 0, 'deleting again finds nothing');
      assert.equal(await c.deleteWhere({ rank: { $gte: 8 } }), 2);
      assert.deepEqual(ids(await c.find({}, { sort: [['_id', 1]] })), ['d4', 'd5', 'd6', 'd7']);
    });

    test('stream yields every match once, in _id order, in batches of at most batchSize; stopping early is clean', async () => {
      const c = await fresh([['group']]);
      await c.insertNew(Array.from({ length: 23 }, (_, i) => ({ _id: `s${String(22 - i).padStart(2, '0')}`, group: i % 3 ? 'a' : 'b', rank: i })));
      const batches: Item[][] = [];
      for await (const batch of c.stream({ group: 'a', _id: { $gt: 's03' } }, 5)) batches.push(batch);
      const all = batches.flat();
      const want = Array.from({ length: 23 }, (_, i) => ({ id: `s${String(22 - i).padStart(2, '0')}`, group: i % 3 ? 'a' : 'b' })).filter((d) => d.group === 'a' && d.id > 's03').map((d) => d.id).sort();
      assert.deepEqual(ids(all), want);
      assert.ok(batches.every((b) => b.length <= 5) && batches.slice(0, -1).every((b) => b.length === 5), batches.map((b) => b.length).join(','));
      for await (const batch of c.stream({}, 4)) {
        assert.equal(batch.length, 4);
        break;
      }
      assert.equal(await c.count({}), 23, 'the store is usable after an abandoned stream');
      const none: Item[][] = [];
      for await (const batch of c.stream({ group: 'zzz' }, 5)) none.push(batch);
      assert.deepEqual(none, []);
    });

    test('keyset paging: _id $gt a cursor, sorted by _id, limited, walks every document once', async () => {
      const c = await fresh([['group', '_id']]);
      await c.insertNew(Array.from({ length: 25 }, (_, i) => ({ _id: `k${String(i).padStart(2, '0')}`, group: i % 2 ? 'odd' : 'even' })));
      const seen: string[] = [];
      let cursor = '';
      for (;;) {
        const page = await c.find({ group: 'odd', _id: { $gt: cursor } }, { sort: [['_id', 1]], limit: 4 });
        if (!page.length) break;
        seen.push(...ids(page));
        cursor = page[page.length - 1]._id;
      }
      assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => `k${String(2 * i + 1).padStart(2, '0')}`));
    });

    test('updateWhere with $lt on a rank moves state forward only: a lower state never overwrites a higher one', async () => {
      const c = await fresh([['rank']]);
      await c.insertNew([{ _id: 'd1', state: 'targeted', rank: 0 }]);
      const advance = (state: string, rank: number) => c.updateWhere([{ filter: { _id: 'd1', rank: { $lt: rank } }, set: { state, rank } }]);

      assert.equal(await advance('delivered', 2), 1);
      assert.deepEqual(await c.findOne({ _id: 'd1' }), { _id: 'd1', state: 'delivered', rank: 2 });
      assert.equal(await advance('acknowledged', 4), 1);
      assert.equal(await advance('displayed', 3), 0, 'a lower state arriving late changes nothing');
      assert.equal(await advance('delivered', 2), 0, 'a redelivered state changes nothing');
      assert.equal(await advance('acknowledged', 4), 0, 'the same state again changes nothing ($lt is strict)');
      assert.deepEqual(await c.findOne({ _id: 'd1' }), { _id: 'd1', state: 'acknowledged', rank: 4 });
    });

    test('a null condition matches missing and null fields alike (set-once timestamps)', async () => {
      const c = await fresh();
      await c.insertNew([{ _id: 'missing' }, { _id: 'null', at: null }, { _id: 'set', at: '2024-01-01T00:00:00.000Z' }]);
      assert.deepEqual(sortedIds(await c.find({ at: null })), ['missing', 'null']);
      assert.equal(await c.count({ at: null }), 2);

      const first = '2024-02-02T10:00:00.000Z';
      assert.equal(await c.updateWhere([{ filter: { at: null }, set: { at: first } }]), 2);
      assert.equal(await c.updateWhere([{ filter: { at: null }, set: { at: '2024-03-03T10:00:00.000Z' } }]), 0, 'once set, a timestamp is never overwritten');
      assert.equal(await c.updateWhere([{ filter: { _id: 'set', at: null }, set: { at: first } }]), 0);
      assert.deepEqual(await c.find({}, { sort: [['_id', 1]] }), [
        { _id: 'missing', at: first },
        { _id: 'null', at: first },
        { _id: 'set', at: '2024-01-01T00:00:00.000Z' },
      ]);
      assert.equal(await c.count({ at: null }), 0);
    });

    test('$in matches any listed value (null in the list matches missing fields), and an empty list matches nothing', async () => {
      const c = await fresh();
      await c.insertNew([{ _id: 'a', group: 'x' }, { _id: 'b', group: 'y' }, { _id: 'c', group: 'z' }, { _id: 'd' }, { _id: 'e', group: null }]);
      assert.deepEqual(sortedIds(await c.find({ _id: { $in: ['a', 'c', 'nope'] } })), ['a', 'c']);
      assert.deepEqual(sortedIds(await c.find({ group: { $in: ['y', 'z'] } })), ['b', 'c']);
      assert.deepEqual(sortedIds(await c.find({ group: { $in: [null, 'x'] } })), ['a', 'd', 'e']);
      assert.deepEqual(await c.find({ _id: { $in: [] } }), []);
      assert.equal(await c.count({ group: { $in: [] } }), 0);
      assert.equal(await c.updateWhere([{ filter: { _id: { $in: ['b', 'd', 'nope'] } }, set: { title: 'picked' } }]), 2);
      assert.deepEqual(sortedIds(await c.find({ title: 'picked' })), ['b', 'd']);
    });

    test('$ne excludes only the given value (missing fields are "not equal"); $ne null excludes missing and null', async () => {
      const c = await fresh();
      await c.insertNew([{ _id: 'a', group: 'x' }, { _id: 'b', group: 'y' }, { _id: 'c' }, { _id: 'd', group: null }]);
      assert.deepEqual(sortedIds(await c.find({ group: { $ne: 'x' } })), ['b', 'c', 'd']);
      assert.deepEqual(sortedIds(await c.find({ group: { $ne: null } })), ['a', 'b']);
      assert.equal(await c.count({ group: { $ne: 'nope' } }), 4);
      assert.equal(await c.updateWhere([{ filter: { group: { $ne: 'y' } }, set: { title: 't' } }]), 3);
      assert.deepEqual(sortedIds(await c.find({ title: 't' })), ['a', 'c', 'd']);
    });

    test('$gt, $gte, $lt and $lte compare numbers, do not match missing fields, and combine with AND', async () => {
      const c = await fresh([['rank']]);
      await c.insertNew([0, 1, 2, 3, 4].map((rank) => ({ _id: `r${rank}`, rank, group: rank % 2 ? 'odd' : 'even' })));
      await c.insertNew([{ _id: 'none', group: 'odd' }]);
      assert.deepEqual(sortedIds(await c.find({ rank: { $gt: 2 } })), ['r3', 'r4']);
      assert.deepEqual(sortedIds(await c.find({ rank: { $gte: 2 } })), ['r2', 'r3', 'r4']);
      assert.deepEqual(sortedIds(await c.find({ rank: { $lt: 2 } })), ['r0', 'r1']);
      assert.deepEqual(sortedIds(await c.find({ rank: { $lte: 2 } })), ['r0', 'r1', 'r2']);
      assert.deepEqual(await c.find({ rank: { $lt: 0 } }), []);
      assert.deepEqual(await c.find({ rank: { $gt: 4 } }), []);
      assert.deepEqual(sortedIds(await c.find({ rank: { $gte: 1 }, group: 'odd' })), ['r1', 'r3']);
      // Several operators on one field all apply (a range), as in MongoDB.
      assert.deepEqual(sortedIds(await c.find({ rank: { $gt: 0, $lt: 3 } as Filter<Item>['rank'] })), ['r1', 'r2']);
      assert.deepEqual(sortedIds(await c.find({ rank: { $gte: 1, $lte: 3, $ne: 2 } as Filter<Item>['rank'] })), ['r1', 'r3']);
      assert.equal(await c.count({ rank: { $gte: 0 } }), 5, 'a missing field matches no comparison');
    });

    test('updateWhere with hundreds of matching updates completes (FerretDB v1 deadlocked at 100 per command)', async () => {
      const c = await fresh();
      const docs = Array.from({ length: 300 }, (_, i) => ({ _id: `d${String(i).padStart(3, '0')}`, rank: 0 }));
      await c.insertNew(docs);
      const n = await c.updateWhere(docs.map((d) => ({ filter: { _id: d._id, rank: { $lt: 1 } }, set: { rank: 1 } })));
      assert.equal(n, 300);
      assert.equal(await c.count({ rank: 1 }), 300);
    });

    test('updateWhere applies every update in order and returns how many documents changed', async () => {
      const c = await fresh();
      await c.insertNew([{ _id: 'a', rank: 0 }, { _id: 'b', rank: 0 }, { _id: 'c', rank: 5 }]);
      const n = await c.updateWhere([
        { filter: { rank: 0 }, set: { rank: 1 } }, // a, b
        { filter: { rank: 1 }, set: { rank: 2 } }, // a, b again: sees the previous update
        { filter: { _id: 'nope' }, set: { rank: 9 } }, // nothing
        { filter: { _id: 'c' }, set: { state: 'done', title: 'C' } }, // c
      ]);
      assert.equal(n, 5);
      assert.deepEqual(await c.find({}, { sort: [['_id', 1]] }), [
        { _id: 'a', rank: 2 },
        { _id: 'b', rank: 2 },
        { _id: 'c', rank: 5, state: 'done', title: 'C' },
      ]);
      assert.equal(await c.updateWhere([]), 0);
      assert.equal(await c.updateWhere([{ filter: { _id: 'a' }, set: { _id: 'z' } }]), 0, '_id is never updated');
      assert.equal(await c.updateWhere([{ filter: { _id: 'c' }, set: { state: 'done', rank: 5 } }]), 0, 'setting the values a document already has changes nothing');
      assert.equal(await c.updateWhere([{ filter: { _id: 'c' }, set: { state: 'done', rank: 6 } }]), 1);
      assert.deepEqual(sortedIds(await c.find({})), ['a', 'b', 'c']);
    });

    test('find sorts ascending and descending on one and two keys, and limits', async () => {
      const c = await fresh([['group', 'rank']]);
      await c.insertNew([
        { _id: 'p', group: 'b', rank: 2 },
        { _id: 'q', group: 'a', rank: 3 },
        { _id: 'r', group: 'b', rank: 1 },
        { _id: 's', group: 'a', rank: 1 },
        { _id: 't', group: 'c', rank: 2 },
      ]);
      assert.deepEqual(ids(await c.find({}, { sort: [['_id', 1]] })), ['p', 'q', 'r', 's', 't']);
      assert.deepEqual(ids(await c.find({}, { sort: [['_id', -1]] })), ['t', 's', 'r', 'q', 'p']);
      assert.deepEqual(ids(await c.find({}, { sort: [['group', 1], ['rank', 1]] })), ['s', 'q', 'r', 'p', 't']);
      assert.deepEqual(ids(await c.find({}, { sort: [['group', 1], ['rank', -1]] })), ['q', 's', 'p', 'r', 't']);
      assert.deepEqual(ids(await c.find({}, { sort: [['group', -1], ['rank', 1]] })), ['t', 'r', 'p', 's', 'q']);
      assert.deepEqual(ids(await c.find({}, { sort: [['rank', -1], ['_id', 1]] })), ['q', 'p', 't', 'r', 's']);
      assert.deepEqual(ids(await c.find({}, { sort: [['rank', 1], ['group', -1]], limit: 3 })), ['r', 's', 't']);
      assert.deepEqual(ids(await c.find({ group: { $ne: 'c' } }, { sort: [['rank', -1], ['group', 1]], limit: 2 })), ['q', 'p']);
      assert.equal((await c.find({}, { limit: 2 })).length, 2);
      assert.deepEqual(await c.findOne({ group: 'nope' }), null);
      const one = await c.findOne({ group: 'a', rank: 3 });
      assert.deepEqual(one, { _id: 'q', group: 'a', rank: 3 });
    });

    test('count counts what the filter matches', async () => {
      const c = await fresh();
      assert.equal(await c.count({}), 0);
      await c.insertNew([{ _id: 'a', group: 'x', rank: 1 }, { _id: 'b', group: 'x', rank: 2 }, { _id: 'c', group: 'y', rank: 3 }]);
      assert.equal(await c.count({}), 3);
      assert.equal(await c.count({ group: 'x' }), 2);
      assert.equal(await c.count({ group: 'x', rank: { $gt: 1 } }), 1);
      assert.equal(await c.count({ group: 'nope' }), 0);
      assert.equal(await c.count({ _id: 'c' }), 1);
    });

    test('booleans, numbers, nested objects and arrays round-trip through insert, update and filters', async () => {
      const c = await fresh();
      const doc: Item = {
        _id: 'n1',
        flag: true,
        rank: 2.5,
        title: 'quote " and \' and \\ and ünïcødé and {"json":1}',
        meta: { a: 1, b: { c: [1, 'two', false, null], d: 'x' }, e: true, f: null },
        // No array directly inside an array: FerretDB v1 refuses nested arrays (MongoDB would store them).
        tags: ['x', 1, true, null, { k: 'v', l: [1, 2] }],
      };
      await c.insertNew([doc, { _id: 'n2', flag: false, rank: -1 }, { _id: 'n3' }]);
      assert.deepEqual(await c.findOne({ _id: 'n1' }), doc);
      assert.deepEqual(await c.findOne({ _id: 'n2' }), { _id: 'n2', flag: false, rank: -1 });
      assert.deepEqual(ids(await c.find({ flag: true })), ['n1']);
      assert.deepEqual(ids(await c.find({ flag: false })), ['n2']);
      assert.deepEqual(sortedIds(await c.find({ flag: { $ne: true } })), ['n2', 'n3']);
      assert.deepEqual(ids(await c.find({ title: doc.title! })), ['n1']);

      const meta = { nested: { deeper: { list: [{ x: 1 }, { y: [true, false] }] } }, empty: {}, none: null };
      assert.equal(await c.updateWhere([{ filter: { _id: 'n2' }, set: { flag: true, meta, tags: [], title: '{"not":"parsed"}' } }]), 1);
      assert.deepEqual(await c.findOne({ _id: 'n2' }), { _id: 'n2', flag: true, rank: -1, meta, tags: [], title: '{"not":"parsed"}' });
      assert.deepEqual(sortedIds(await c.find({ flag: true })), ['n1', 'n2']);
      assert.equal(typeof (await c.findOne({ _id: 'n2' }))!.flag, 'boolean');
    });

    test('ISO-8601 timestamps compare and sort correctly as strings ($gt, $lte, sort)', async () => {
      const c = await fresh([['at']]);
      const t = (s: string) => new Date(s).toISOString();
      await c.insertNew([
        { _id: 'jan9', at: t('2024-01-09T23:59:59.999Z') },
        { _id: 'jan10', at: t('2024-01-10T00:00:00.000Z') },
        { _id: 'dec', at: t('2023-12-31T12:00:00.000Z') },
        { _id: 'feb', at: t('2024-02-01T08:30:00.000Z') },
        { _id: 'never' },
      ]);
      const now = t('2024-01-09T23:59:59.999Z');
      assert.deepEqual(sortedIds(await c.find({ at: { $gt: now } })), ['feb', 'jan10']);
      assert.deepEqual(sortedIds(await c.find({ at: { $lte: now } })), ['dec', 'jan9']);
      assert.deepEqual(ids(await c.find({ at: { $ne: null } }, { sort: [['at', 1]] })), ['dec', 'jan9', 'jan10', 'feb']);
      assert.deepEqual(ids(await c.find({ at: { $gte: t('2024-01-01T00:00:00.000Z') } }, { sort: [['at', -1]], limit: 2 })), ['feb', 'jan10']);
      assert.equal(await c.updateWhere([{ filter: { at: { $lt: t('2024-01-10T00:00:00.000Z') } }, set: { state: 'expired' } }]), 2);
      assert.deepEqual(sortedIds(await c.find({ state: 'expired' })), ['dec', 'jan9']);
    });

    test('invalid collection and field names are refused, in specs, filters, sorts and updates', async () => {
      for (const bad of ['', 'Upper', '1abc', 'has-dash', 'has.dot', 'has space', 'semi;colon', '$where', 'x'.repeat(64)]) {
        await assert.rejects(opened.store.collection({ name: bad, indexes: [] }), /invalid collection name/, `collection name ${JSON.stringify(bad)}`);
      }
      for (const bad of ['a.b', '$where', 'a-b', "a')--", '', '1a']) {
        await assert.rejects(opened.store.collection({ name: 'ok_name', indexes: [['rank', bad]] }), /invalid field name/, `index field ${JSON.stringify(bad)}`);
      }
      const c = await fresh();
      await c.insertNew([{ _id: 'a', rank: 1, meta: { b: 2 } }]);
      for (const bad of ['meta.b', '$where', '$or', "rank') OR 1=1 --"]) {
        await assert.rejects(c.find({ [bad]: 2 } as Filter<Item>), /invalid field name/, `filter field ${JSON.stringify(bad)}`);
        await assert.rejects(c.count({ [bad]: 2 } as Filter<Item>), /invalid field name/, `count field ${JSON.stringify(bad)}`);
        await assert.rejects(c.find({}, { sort: [[bad as 'rank', 1]] }), /invalid field name/, `sort field ${JSON.stringify(bad)}`);
        await assert.rejects(c.updateWhere([{ filter: { _id: 'a' }, set: { [bad]: 3 } as Partial<Item> }]), /invalid field name/, `updated field ${JSON.stringify(bad)}`);
        await assert.rejects(c.updateWhere([{ filter: { [bad]: 2 } as Filter<Item>, set: { rank: 3 } }]), /invalid field name/, `update filter field ${JSON.stringify(bad)}`);
      }
      await assert.rejects(c.find({ rank: { $regex: '1' } } as unknown as Filter<Item>), /unsupported operator/);
      await assert.rejects(c.find({ rank: { $where: 'true' } } as unknown as Filter<Item>), /unsupported operator/);
      assert.deepEqual(await c.findOne({ _id: 'a' }), { _id: 'a', rank: 1, meta: { b: 2 } }, 'nothing was changed by a refused update');
    });
  });
}
