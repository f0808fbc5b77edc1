// npm run bench -- audit [entries=1000000] [stores=sqlite,ferretdb]
// Append throughput (batched, store round trips counted) and streamed export (rows/s, peak RSS) of the audit
// chain, each next to a baseline measured in the same run: raw inserts of the same documents without hashing or
// de-duplication, and a raw page scan without encoding. The export runs in a fresh child process so its peak
// RSS is the export's own, not the append phase's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { AuditEntry } from '@herald/contracts';
import { MongoStore, SqliteStore, Store } from '@herald/persistence';
import { Infra, systemClock } from '@herald/runtime';
import { Principal } from '@herald/auth';
import { ChainRepository } from '../../services/audit/src/chain/chain.repository';
import { ChainWriter } from '../../services/audit/src/chain/chain.writer';
import { verifyChains } from '../../services/audit/src/chain/chain.verifier';
import { docId } from '../../services/audit/src/chain/record';
import { AuditAccess } from '../../services/audit/src/entries/audit-access';
import { ExportService } from '../../services/audit/src/export/export.service';
import { ExportQuery } from '../../services/audit/src/export/export.dto';

const KEY = 'bench-signing-key-0123456789abcdefghij';
const BATCH = 1_000;
const MONGO_URL = process.env.MONGODB_URL || 'mongodb://127.0.0.1:27017';

type StoreKind = 'sqlite' | 'ferretdb';
interface Target {
  kind: StoreKind;
  /** Where a child process finds the chain: the SQLite directory, or the MongoDB database name. */
  location: string;
  open(): Promise<Store>;
  dispose(): Promise<void>;
}

function target(kind: StoreKind, tag: string): Target {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `herald-bench-${tag}-`));
    return { kind, location: dir, open: async () => SqliteStore.forService(dir, 'audit'), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const db = `bench_${tag}_${process.pid}_audit`;
  return {
    kind,
    location: db,
    open: () => MongoStore.connect(MONGO_URL, db),
    dispose: async () => {
      const s = await MongoStore.connect(MONGO_URL, db);
      await s.dropDatabase();
      await s.close();
    },
  };
}

/** A delivery receipt's audit entry: the most frequent kind in production. */
const entry = (i: number): AuditEntry => ({
  id: `occ-${i >> 12}.1:user${i}:acknowledged`,
  at: new Date(Date.UTC(2026, 0, 1) + i * 10).toISOString(),
  actor: `user${i}`,
  action: 'delivery.acknowledged',
  subject: `delivery:occ-${i >> 12}.1:user${i}`,
  alertId: `alert-${i >> 12}`,
  details: { client: 'web/1.0 (Windows)' },
});

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1_000);

async function appendPhase(kind: StoreKind, n: number): Promise<Target> {
  // Baseline: the same documents inserted raw, batch by batch, into a separate collection.
  const base = target(kind, 'raw');
  const rawStore = await base.open();
  const raw = await rawStore.collection<{ _id: string }>({ name: 'audit_chain', indexes: [['entryId'], ['alertId', '_id'], ['at']] });
  let t = performance.now();
  for (let i = 0; i < n; i += BATCH) {
    await raw.insertNew(Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => ({ _id: docId('raw', i + k + 1), ...entry(i + k) })));
  }
  const rawMs = performance.now() - t;
  await rawStore.close();
  await base.dispose();

  const chain = target(kind, 'chain');
  const store = await chain.open();
  const repo = await ChainRepository.open(store);
  const writer = new ChainWriter(repo, { chain: 'bench', signingKey: KEY, checkpointEvery: 1_000, now: () => new Date() });
  t = performance.now();
  // Messages arrive as batches from the bus; several are in flight at once (prefetch), the writer coalesces them.
  const inflight: Promise<number>[] = [];
  for (let i = 0; i < n; i += BATCH) {
    inflight.push(writer.append(Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => entry(i + k))));
    if (inflight.length >= 4) await inflight.shift();
  }
  await Promise.all(inflight);
  const chainMs = performance.now() - t;
  const trips = repo.roundTrips;

  t = performance.now();
  const report = await verifyChains(repo, KEY);
  const verifyMs = performance.now() - t;
  await store.close();
  if (!report.ok || report.entries !== n) throw new Error(`verify after append: ${report.message}`);

  console.log(`  baseline raw insert (no hashing, no de-dup)  ${rate(n, rawMs).toLocaleString('en')} entries/s  (${(rawMs / 1000).toFixed(1)} s)`);
  console.log(`  chain append (hash + link + de-dup + sign)   ${rate(n, chainMs).toLocaleString('en')} entries/s  (${(chainMs / 1000).toFixed(1)} s)  ratio ${(chainMs / rawMs).toFixed(2)}× baseline time`);
  console.log(`  store round trips                            ${trips.toLocaleString('en')} (${(trips / (n / BATCH)).toFixed(2)} per batch of ${BATCH})`);
  console.log(`  verify whole chain                           ${rate(n, verifyMs).toLocaleString('en')} entries/s  (${(verifyMs / 1000).toFixed(1)} s)`);
  return chain;
}

/** Child process: stream the whole chain as CSV into a sink, sampling RSS; prints one JSON line. */
async function exportChild(kind: StoreKind, mode: 'csv' | 'scan', location: string): Promise<void> {
  const store = kind === 'sqlite' ? SqliteStore.forService(location, 'audit') : await MongoStore.connect(MONGO_URL, location);
  const repo = await ChainRepository.open(store);
  let peak = process.memoryUsage().rss;
  const start = peak;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t = performance.now();
  let rows = 0;
  let bytes = 0;
  if (mode === 'scan') {
    for await (const page of repo.scan({})) rows += page.length;
  } else {
    const writer = new ChainWriter(repo, { chain: 'bench-export', signingKey: KEY, checkpointEvery: 1_000, now: () => new Date() });
    const access = new AuditAccess({ clock: systemClock } as Infra, writer);
    const exporter = new ExportService(repo, access);
    const p: Principal = { userId: 'bench', displayName: 'bench', roles: ['auditor'] };
    const out = await exporter.export(p, { format: 'csv', bom: false, action: 'delivery.acknowledged' } as ExportQuery);
    // Written as sendStream writes to an HTTP response: one chunk at a time, waiting for 'drain' when told to.
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        setImmediate(done);
      },
    });
    for await (const chunk of out.chunks) if (!sink.write(chunk)) await once(sink, 'drain');
    sink.end();
    rows = out.result().rows;
  }
  const ms = performance.now() - t;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await store.close();
  console.log(JSON.stringify({ rows, ms, bytes, startRss: start, peakRss: peak }));
}

function runExport(kind: StoreKind, mode: 'csv' | 'scan', location: string, nodeFlags: string[] = []): { rows: number; ms: number; bytes: number; startRss: number; peakRss: number } {
  const r = spawnSync(process.execPath, [...nodeFlags, __filename, '--export', kind, mode, location], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`export child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--export') return exportChild(process.argv[3] as StoreKind, process.argv[4] as 'csv' | 'scan', process.argv[5]);
  const n = Number(process.argv[2] ?? 1_000_000);
  const kinds = (process.argv[3] ?? 'sqlite,ferretdb').split(',') as StoreKind[];
  console.log(`audit benchmark: ${n.toLocaleString('en')} entries, batches of ${BATCH}, node ${process.version}`);
  for (const kind of kinds) {
    console.log(`\n${kind}`);
    const t = await appendPhase(kind, n);
    const scan = runExport(kind, 'scan', t.location);
    const csv = runExport(kind, 'csv', t.location);
    // The same export with the V8 heap capped at 64 MB: it can only finish if memory does not grow with the row count.
    const capped = runExport(kind, 'csv', t.location, ['--max-old-space-size=64']);
    console.log(`  baseline raw page scan (no encoding)         ${rate(scan.rows, scan.ms).toLocaleString('en')} rows/s  peak RSS ${mb(scan.peakRss)}`);
    console.log(`  CSV export, streamed                         ${rate(csv.rows, csv.ms).toLocaleString('en')} rows/s  peak RSS ${mb(csv.peakRss)} (at start ${mb(csv.startRss)})  ${mb(csv.bytes)} written  ratio ${(csv.ms / scan.ms).toFixed(2)}× scan time`);
    console.log(`  CSV export, heap capped at 64 MB             ${rate(capped.rows, capped.ms).toLocaleString('en')} rows/s  peak RSS ${mb(capped.peakRss)} (at start ${mb(capped.startRss)})  ${capped.rows.toLocaleString('en')} rows`);
    await t.dispose();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
