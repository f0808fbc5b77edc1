import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadEnv } from '@herald/config';
import { MongoStore, SqliteStore, Store } from '@herald/persistence';
import { AuditTrail, Infra, ManualClock } from '@herald/runtime';
import { DeliveryRepository, OccurrenceDoc } from '../../services/delivery/src/deliveries/delivery.repository';
import { DoNotDisturbRepository } from '../../services/delivery/src/do-not-disturb/do-not-disturb.repository';
import { DoNotDisturbService } from '../../services/delivery/src/do-not-disturb/do-not-disturb.service';

/**
 * What do-not-disturb adds to a dispatch: reading every recipient's settings and holding those in quiet hours.
 * Baseline: the targeting every dispatch does anyway (one `targeted` delivery per recipient).
 * Usage: npm run bench -- do-not-disturb [recipients=100000] [withDnd=2000]   (FerretDB too when MONGODB_URL is set)
 * The audit trail is a no-op here: its cost is the same batch publish as for every other delivery event.
 */
const recipients = Number(process.argv[2] ?? 100_000);
const withDnd = Number(process.argv[3] ?? 2_000);
const now = new Date('2026-03-10T20:00:00Z'); // a Tuesday evening in Paris: inside weeknight quiet hours

async function run(name: string, store: Store): Promise<void> {
  const deliveries = await DeliveryRepository.open(store);
  const repo = await DoNotDisturbRepository.open(store);
  const infra = { clock: new ManualClock(now), env: loadEnv({}) } as unknown as Infra;
  const dnd = new DoNotDisturbService(infra, repo, deliveries, { record: async () => undefined } as unknown as AuditTrail);
  const users = Array.from({ length: recipients }, (_, i) => `user${String(i).padStart(6, '0')}`);
  // Every 50th recipient has weeknight quiet hours, a few more an "until" already over.
  for (let i = 0; i < withDnd; i++) {
    const quietHours = i % 4 === 3 ? null : { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[], from: '18:00', to: '08:00', timezone: 'Europe/Paris' };
    await repo.save({ _id: users[Math.floor((i * recipients) / withDnd)], quietHours, until: quietHours ? null : '2026-03-10T12:00:00.000Z', updatedAt: now.toISOString() });
  }
  const clock = infra.clock as ManualClock;
  for (const [when, at] of [['Tuesday 21:00 Paris', now], ['Tuesday 13:00 Paris', new Date('2026-03-10T12:00:00Z')]] as const) {
    clock.set(at);
    const o: OccurrenceDoc = { _id: `bench-${randomBytes(3).toString('hex')}.1`, alertId: 'bench', title: 't', body: 'b', severity: 'info', presentation: 'popup', sentAt: at.toISOString(), validUntil: '2026-03-11T20:00:00.000Z', recipients };
    await deliveries.saveOccurrence(o);
    let t = performance.now();
    await deliveries.target(o, users, at.toISOString());
    const target = performance.now() - t;
    t = performance.now();
    const held = await dnd.holdBack(o, users);
    const hold = performance.now() - t;
    console.log(`  ${name.padEnd(8)} ${when}: target ${recipients} (baseline) ${target.toFixed(0)} ms; do-not-disturb check + ${held.size} holds ${hold.toFixed(0)} ms (${((100 * hold) / target).toFixed(0)} % of the baseline)`);
  }
}

async function main(): Promise<void> {
  console.log(`dispatch of an info alert to ${recipients} recipients, ${withDnd} of them with do-not-disturb settings; machine: ${hostname()} (${cpus().length} cores), node ${process.version}`);
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-dnd-'));
  try {
    await run('SQLite', SqliteStore.forService(dir, 'delivery'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.MONGODB_URL) {
    const store = await MongoStore.connect(process.env.MONGODB_URL, `bench_dnd_${randomBytes(3).toString('hex')}`);
    try {
      await run('FerretDB', store);
    } finally {
      await store.close();
    }
  }
}

void main();
