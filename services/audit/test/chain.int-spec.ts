import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { AuditEntry } from '@herald/contracts';
import { MongoStore, SqliteStore, Store } from '@herald/persistence';
import { servers, uniqueName } from '@herald/testing';
import { ChainRepository } from '../src/chain/chain.repository';
import { ChainWriter } from '../src/chain/chain.writer';
import { verifyChains } from '../src/chain/chain.verifier';
import { docId } from '../src/chain/record';
import { main as cli } from '../src/cli';
import { purgeExpired } from '../src/retention/purge';

/**
 * The hash chain against the real stores: appends from two concurrent writers (as two audit replicas would),
 * redelivery, and tampering done directly in the store (SQLite file, FerretDB/MongoDB collection), which
 * verify — over the API's code path and the `herald audit verify` CLI — must name.
 */

const KEY = 'k'.repeat(40);
/** The two replicas' chains. */
const ONE = 'c-one';
const TWO = 'c-two';

/** Direct, out-of-band access to the stored records: what an attacker with store access could do. */
interface Tamper {
  edit(seq: number, field: string, value: unknown): Promise<void>;
  remove(seq: number, chain?: string): Promise<void>;
  editCheckpoint(seq: number, hash: string): Promise<void>;
}

interface Backend {
  /** A new connection to the same database: a second audit replica. */
  open(): Promise<Store>;
  tamper: Tamper;
  cliEnv: Record<string, string>;
  dispose(): Promise<void>;
}

const BACKENDS: [string, () => Promise<Backend>][] = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'herald-audit-'));
      const file = join(dir, 'audit.db');
      const stores: Store[] = [];
      const sql = (q: string, ...params: unknown[]) => {
        const db = new Database(file);
        try {
          db.prepare(q).run(...params);
        } finally {
          db.close();
        }
      };
      return {
        open: async () => {
          const s = SqliteStore.forService(dir, 'audit');
          stores.push(s);
          return s;
        },
        tamper: {
          edit: async (seq, f, v) => sql(`UPDATE c_audit_chain SET doc = json_set(doc, '$.${f}', json(?)) WHERE id = ?`, JSON.stringify(v), docId(ONE, seq)),
          remove: async (seq, chain = ONE) => sql('DELETE FROM c_audit_chain WHERE id = ?', docId(chain, seq)),
          editCheckpoint: async (seq, hash) => sql(`UPDATE c_audit_checkpoints SET doc = json_set(doc, '$.hash', ?) WHERE id LIKE ?`, hash, `${docId(ONE, seq)}:%`),
        },
        cliEnv: { HERALD_STORE: 'sqlite', SQLITE_DIR: dir, AUDIT_SIGNING_KEY: KEY },
        dispose: async () => {
          for (const s of stores) await s.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'FerretDB/MongoDB',
    async () => {
      const prefix = `${uniqueName('a').replace(/-/g, '_')}_`;
      const stores: MongoStore[] = [];
      const conn = await mongoose.createConnection(servers.mongoUrl, { dbName: `${prefix}audit` }).asPromise();
      const chain = () => conn.db!.collection<{ _id: string }>('audit_chain');
      return {
        open: async () => {
          const s = await MongoStore.connect(servers.mongoUrl, `${prefix}audit`);
          stores.push(s);
          return s;
        },
        tamper: {
          edit: async (seq, f, v) => void (await chain().updateOne({ _id: docId(ONE, seq) }, { $set: { [f]: v } })),
          remove: async (seq, c = ONE) => void (await chain().deleteOne({ _id: docId(c, seq) })),
          editCheckpoint: async (seq, hash) => void (await conn.db!.collection<{ _id: string }>('audit_checkpoints').updateOne({ _id: `${docId(ONE, seq)}:periodic` }, { $set: { hash } })),
        },
        cliEnv: { HERALD_STORE: 'mongodb', MONGODB_URL: servers.mongoUrl, MONGODB_DB_PREFIX: prefix, AUDIT_SIGNING_KEY: KEY },
        dispose: async () => {
          await conn.dropDatabase().catch(() => undefined);
          await conn.close();
          for (const s of stores) await s.close();
        },
      };
    },
  ],
];

const entry = (i: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  id: `e-${i}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString(),
  actor: i % 3 ? 'carol' : 'delivery',
  action: i % 2 ? 'delivery.acknowledged' : 'delivery.delivered',
  subject: `user:u${i}`,
  alertId: `alert-${i % 4}`,
  details: { client: 'web', n: i, nested: { b: [1, 'x'], a: null } },
  ...extra,
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => entry(from + i));

async function runCli(env: Record<string, string>): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await cli(['audit', 'verify'], (l) => (out += l), (l) => (out += l), env);
  return { code, out };
}

for (const [name, make] of BACKENDS) {
  describe(`audit hash chain — ${name}`, () => {
    let b: Backend;
    let repo: ChainRepository;
    let writer: ChainWriter;
    const N = 4_000;

    before(async () => {
      b = await make();
      repo = await ChainRepository.open(await b.open());
      writer = new ChainWriter(repo, { chain: ONE, signingKey: KEY, checkpointEvery: 1_000, now: () => new Date() });
    });
    after(async () => {
      await b?.dispose();
    });

    test('two replicas appending concurrently build one unforked chain; redelivered entries are appended once', async () => {
      const replica2 = new ChainWriter(await ChainRepository.open(await b.open()), { chain: TWO, signingKey: KEY, checkpointEvery: 1_000, now: () => new Date() });
      const half = N / 2;
      // Each replica gets its own messages in batches of 100, plus some of the other's (broker redelivery).
      const sends: Promise<number>[] = [];
      for (let i = 0; i < half; i += 100) {
        sends.push(writer.append(range(i, i + 100)));
        sends.push(replica2.append(range(half + i, half + i + 100)));
      }
      const appended = (await Promise.all(sends)).reduce((a, n) => a + n, 0);
      assert.equal(appended, N);
      assert.equal(await writer.append(range(10, 20)), 0, 'a redelivered batch appends nothing');
      assert.equal(await replica2.append([...range(N - 5, N), entry(N)]), 1, 'only the new entry of a mixed batch');

      const report = await verifyChains(repo, KEY);
      assert.equal(report.ok, true, report.message);
      assert.equal(report.entries, N + 1);
      assert.equal(report.chains, 2);
      assert.equal(report.checkpoints, 4, 'a signed checkpoint per 1000 entries of each chain');
      assert.deepEqual(await runCli(b.cliEnv), { code: 0, out: report.message });
    });

    test('editing one entry in the store: verify and the CLI name that entry; undoing the edit heals it', async () => {
      const [original] = await repo.page({ chain: ONE, after: docId(ONE, 1_233) }, 1);
      await b.tamper.edit(1_234, 'actor', 'mallory');
      const report = await verifyChains(repo, KEY);
      assert.equal(report.ok, false);
      assert.equal(report.firstBroken?.seq, 1_234);
      assert.equal(report.firstBroken?.entryId, original.entryId);
      assert.match(report.message, new RegExp(`entry #1234 \\(id ${original.entryId}\\): its content no longer matches its hash`));
      assert.deepEqual(await runCli(b.cliEnv), { code: 1, out: report.message });

      await b.tamper.edit(1_234, 'actor', original.actor);
      assert.equal((await verifyChains(repo, KEY)).ok, true);
    });

    test('editing details deep inside an entry is caught too', async () => {
      const [original] = await repo.page({ chain: ONE, after: docId(ONE, 99) }, 1);
      await b.tamper.edit(100, 'details', { ...original.details, client: 'forged' });
      const report = await verifyChains(repo, KEY);
      assert.equal(report.firstBroken?.seq, 100);
      await b.tamper.edit(100, 'details', original.details);
      assert.equal((await verifyChains(repo, KEY)).ok, true);
    });

    test('deleting one entry in the store: verify and the CLI name the gap', async () => {
      const [original] = await repo.page({ chain: ONE, after: docId(ONE, 1_499) }, 1);
      await b.tamper.remove(1_500);
      const report = await verifyChains(repo, KEY);
      assert.equal(report.ok, false);
      assert.equal(report.firstBroken?.seq, 1_500);
      assert.match(report.message, /entry #1500 is missing \(deleted\): the chain jumps from #1499 to #1501/);
      assert.deepEqual(await runCli(b.cliEnv), { code: 1, out: report.message });
      assert.equal(await repo.insert([original]), 1);
      assert.equal((await verifyChains(repo, KEY)).ok, true);
    });

    test('retention: purge cuts each chain after its oldest expired run, signs where it starts, and verify still passes', async () => {
      const RET = 'c-ret';
      const old = new Date(Date.now() - 100 * 86_400_000).toISOString();
      const w = new ChainWriter(repo, { chain: RET, signingKey: KEY, checkpointEvery: 1_000, now: () => new Date() });
      const mk = (i: number, action: string): AuditEntry => ({ id: `ret-${i}`, at: old, actor: 'carol', action, subject: 's', details: {} });
      // 20 archive entries (30 days), then a legal one (365 days) that holds everything after it.
      await w.append([...Array.from({ length: 20 }, (_, i) => mk(i, 'archive.kept')), mk(20, 'legal.hold'), ...Array.from({ length: 5 }, (_, i) => mk(21 + i, 'archive.kept'))]);
      const retention = { archive: 30, legal: 365 };

      assert.deepEqual(await purgeExpired(repo, KEY, retention, new Date(), true), [{ chain: RET, throughSeq: 20, deleted: 20 }], 'dry run');
      assert.equal((await repo.page({ chain: RET }, 100)).length, 26, 'a dry run deletes nothing');
      assert.deepEqual(await purgeExpired(repo, KEY, retention, new Date()), [{ chain: RET, throughSeq: 20, deleted: 20 }]);
      assert.deepEqual((await repo.page({ chain: RET }, 100)).map((d) => d.seq), [21, 22, 23, 24, 25, 26]);
      assert.deepEqual(await purgeExpired(repo, KEY, retention, new Date()), [], 'nothing more is due');
      const report = await verifyChains(repo, KEY);
      assert.equal(report.ok, true, report.message);

      // The purged prefix is accounted for by the signed checkpoint; a record deleted after it is still named.
      const [first] = await repo.page({ chain: RET }, 1);
      await b.tamper.remove(21, RET);
      const broken = await verifyChains(repo, KEY);
      assert.equal(broken.firstBroken?.chain, RET);
      assert.match(broken.message, /entry #21 is missing \(deleted\): the chain jumps from #20 to #22/);
      await repo.insert([first]);

      let out = '';
      assert.equal(await cli(['audit', 'purge'], (l) => (out += l), (l) => (out += l), { ...b.cliEnv, AUDIT_RETENTION_DAYS: 'archive=30,legal=365' }), 0);
      assert.equal(out, 'purged 0 entries from 0 chain(s)');
      assert.equal((await repo.page({ action: 'audit.purged' }, 10)).length, 1, 'the purge by the CLI is itself audited');
      assert.equal((await verifyChains(repo, KEY)).ok, true);
    });

    test('rewriting the chain from an entry on (hashes recomputed) contradicts the signed checkpoint', async () => {
      await b.tamper.editCheckpoint(1_000, 'f'.repeat(64));
      const report = await verifyChains(repo, KEY);
      assert.equal(report.ok, false);
      assert.match(report.message, /signed checkpoint at #1000 has an invalid signature/);
    });

    test('the CLI refuses bad usage and a missing key with exit code 2', async () => {
      assert.equal((await runCli({ ...b.cliEnv, AUDIT_SIGNING_KEY: '', HERALD_STORE: 'mongodb' })).code, 2);
      let err = '';
      assert.equal(await cli(['audit', 'verfy'], () => undefined, (l) => (err += l), b.cliEnv), 2);
      assert.match(err, /^usage: herald audit verify/);
    });
  });
}
