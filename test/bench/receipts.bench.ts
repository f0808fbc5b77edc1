import { hostname, cpus } from 'node:os';
import { HeraldClient, MemoryStorage } from '@herald/client-sdk';
import { eventually, login, startSingleNode } from '@herald/testing';

/**
 * How fast a client drains receipts queued while offline, against a real single-node gateway (RECEIPT_BATCH_MS
 * default 100 ms): the shipped window (64 in flight) against one-at-a-time, measured in the same run.
 * Usage: npm run bench -- receipts [count]
 */
async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 200);
  const h = await startSingleNode();
  try {
    const token = await login(h.route, 'alice');
    const drain = async (window: number): Promise<number> => {
      const storage = new MemoryStorage();
      // What an offline spell leaves behind: receipts in storage. Unknown occurrence ids are confirmed by the gateway
      // (it validates shape, delivery drops them later), which is the part measured here.
      storage.setItem('herald.receipts.v1', JSON.stringify(Array.from({ length: count }, (_, i) => ({ occurrenceId: `bench-${window}-${i}.1`, state: 'delivered' }))));
      const client = new HeraldClient({ url: h.gatewayUrl, getToken: () => token, storage, receiptWindow: window });
      const t0 = performance.now();
      client.start();
      await eventually(() => client.unconfirmedReceipts.length === 0, 600_000, 'the backlog to drain');
      const ms = performance.now() - t0;
      client.stop();
      return ms;
    };
    const baseline = await drain(1);
    const shipped = await drain(64);
    console.log(`receipts drained: ${count}, machine: ${hostname()} (${cpus().length} cores), node ${process.version}`);
    console.log(`  one at a time (baseline): ${baseline.toFixed(0)} ms  (${((count / baseline) * 1000).toFixed(0)} receipts/s)`);
    console.log(`  window 64 (shipped):      ${shipped.toFixed(0)} ms  (${((count / shipped) * 1000).toFixed(0)} receipts/s)`);
    console.log(`  ratio: ${(baseline / shipped).toFixed(1)}x faster`);
  } finally {
    await h.close();
  }
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
