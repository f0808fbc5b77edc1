import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadEnv } from '@herald/config';
import { AdmitToAudiences, Audience, PresenceReport, ResolveAudience } from '@herald/contracts';
import { MongoStore } from '@herald/persistence';
import { bootHerald, createInfra } from '@herald/runtime';
import { generateDirectory, servers, uniqueName, writeDemoLdifWith } from '@herald/testing';
import { directoryService } from '../../services/directory/src/directory.module';
import { PresenceService } from '../../services/directory/src/presence/presence.service';

/**
 * `npm run bench -- presence [users] [sqlite|mongodb]`: computer and network-range audiences at scale. A generated
 * directory (default 100,000 users) with one computer per 10 users, loaded as the LDIF directory; every user gets a
 * presence record (computer BENCH-PC-<i/10>, address 10.x.y.z from its index), written in gateway-sized batches.
 * Then: resolve a network range holding half of them, every computer of an OU, and "everyone except a network",
 * each checked against an independent count, and the admission check a connecting client triggers.
 * `mongodb` stores presence in MONGODB_URL (FerretDB on the build machines) instead of SQLite.
 */
const ms = (t: number) => `${t.toFixed(0)} ms`;
const BATCH = 5_000;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
}

async function main(): Promise<void> {
  const users = Number(process.argv[2] ?? 100_000);
  const storeKind = process.argv[3] === 'mongodb' ? 'mongodb' : 'sqlite';
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-presence-bench-'));
  const ou = uniqueName('pb').replace(/-/g, '');
  const base = `ou=${ou},dc=example,dc=com`;
  const model = generateDirectory({ base, prefix: 'pb-', users, groups: 100, depth: 3 });
  const ldif = writeDemoLdifWith(model, join(dataDir, 'directory.ldif'));
  const computers = Math.ceil(users / 10);
  const pcs = [`dn: ou=pcs,${base}\nobjectClass: organizationalUnit\nou: pcs\n`];
  for (let i = 0; i < computers; i++) pcs.push(`dn: cn=BENCH-PC-${i},ou=pcs,${base}\nobjectClass: device\ncn: BENCH-PC-${i}\n`);
  appendFileSync(ldif, `\n${pcs.join('\n')}`);

  const prefix = `${uniqueName('pb').replace(/-/g, '_')}_`;
  const env = loadEnv({
    HERALD_DIRECTORY: 'ldif', DIRECTORY_LDIF: ldif, SQLITE_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', RPC_TIMEOUT_MS: '120000',
    ...(storeKind === 'mongodb' ? { HERALD_STORE: 'mongodb', MONGODB_URL: servers.mongoUrl, MONGODB_DB_PREFIX: prefix } : {}),
  });
  const infra = await createInfra(env, 'presence-bench');
  const herald = await bootHerald('presence-bench', [directoryService], infra);
  try {
    const presence = herald.app.get(PresenceService);
    const at = infra.clock.now().toISOString();
    const addressOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const reports: PresenceReport[] = model.users.map((u, i) => ({ userId: u.uid, sessionId: `gw:${i}`, computer: `BENCH-PC-${Math.floor(i / 10)}`, address: addressOf(i), state: 'connected', at }));
    const [, writeMs] = await timed(async () => {
      for (let i = 0; i < reports.length; i += BATCH) {
        await presence.record(reports.slice(i, i + BATCH));
        process.stderr.write(`  ${Math.min(i + BATCH, reports.length)} presence reports written\n`);
      }
    });
    const [, heartbeatMs] = await timed(() => presence.record(reports.slice(0, BATCH).map((r) => ({ ...r, state: 'seen' as const }))));

    // half the users: indexes below users/2 — a CIDR that covers exactly them is not generally possible, so the
    // independent count uses the same address arithmetic as the reports
    const range = '10.0.0.0/15'; // 10.0.x.x and 10.1.x.x: indexes 0 … 131071
    const inRange = model.users.filter((_, i) => i < 131_072).length;
    const resolve = (audience: Audience) => infra.bus.request(ResolveAudience, { audience });
    const [net, netMs] = await timed(() => resolve({ users: [], groups: [], networks: [range] }));
    const half = '10.0.0.0/16'; // indexes 0 … 65535
    const [netHalf, netHalfMs] = await timed(() => resolve({ users: [], groups: [], networks: [half] }));
    const [ouPcs, ouMs] = await timed(() => resolve({ users: [], groups: [], computers: [`ou=pcs,${base}`] }));
    const [few, fewMs] = await timed(() => resolve({ users: [], groups: [], computers: Array.from({ length: 100 }, (_, i) => `BENCH-PC-${i}`) }));
    const [except, exceptMs] = await timed(() => resolve({ users: [], groups: [], everyone: true, exclude: { networks: [half] } }));
    const everyone = (await resolve({ users: [], groups: [], everyone: true })).userIds.length;
    const checks: [string, number, number][] = [
      [range, net.userIds.length, inRange],
      [half, netHalf.userIds.length, Math.min(users, 65_536)],
      ['OU of computers', ouPcs.userIds.length, users],
      ['100 computers', few.userIds.length, Math.min(users, 1_000)],
      ['everyone except network', except.userIds.length, everyone - Math.min(users, 65_536)],
    ];
    for (const [what, got, want] of checks) if (got !== want) throw new Error(`${what}: resolved ${got}, expected ${want}`);

    const targets = Array.from({ length: 20 }, (_, i) => ({ id: `occ-${i}`, audience: { users: [], groups: [], networks: [`10.${i}.0.0/16`] } as Audience }));
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const [res, t] = await timed(() => infra.bus.request(AdmitToAudiences, { userId: model.users[i * 7].uid, presence: { address: addressOf(i * 7), computer: `BENCH-PC-${i}` }, audiences: targets }));
      if (!res.admitted.includes('occ-0')) throw new Error('admission missed a matching network');
      latencies.push(t);
    }
    latencies.sort((a, b) => a - b);

    const rows: [string, string, string][] = [
      ['store / presence records', `${storeKind} / ${users}`, `${computers} computers`],
      [`write ${users} connect reports (batches of ${BATCH})`, ms(writeMs), `${Math.round(users / (writeMs / 1000))} reports/s`],
      [`one heartbeat batch (${Math.min(BATCH, users)} seen)`, ms(heartbeatMs), "one write per beat timestamp"],
      [`resolve networks ${range}`, ms(netMs), `${net.userIds.length} users`],
      [`resolve networks ${half}`, ms(netHalfMs), `${netHalf.userIds.length} users`],
      ['resolve computers: an OU of all computers', ms(ouMs), `${ouPcs.userIds.length} users`],
      ['resolve computers: 100 by name', ms(fewMs), `${few.userIds.length} users`],
      ['resolve everyone except a network', ms(exceptMs), `${except.userIds.length} users`],
      ['admission on connect, 20 network alerts: p50 / p95', `${ms(latencies[25])} / ${ms(latencies[47])}`, '50 connects'],
      ['heap used', `${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MB`, ''],
    ];
    for (const [k, v, note] of rows) process.stdout.write(`${k.padEnd(52)} ${v.padEnd(20)} ${note}\n`);
    process.stdout.write('results match the independent counts: yes\n');
  } finally {
    await herald.close();
    if (storeKind === 'mongodb') {
      const store = await MongoStore.connect(servers.mongoUrl, `${prefix}directory`);
      await store.dropDatabase().finally(() => store.close());
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
