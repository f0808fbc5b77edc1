import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { Client } from 'ldapts';
import { loadEnv } from '@herald/config';
import { ResolveAudience } from '@herald/contracts';
import { bootHerald, createInfra } from '@herald/runtime';
import { DISABLED_FILTER, expectedGroupMembers, repoRoot } from '@herald/testing';
import { directoryService } from '../../services/directory/src/directory.module';
import { SnapshotService } from '../../services/directory/src/snapshot/snapshot.service';
import { BIG, bigDirectory } from './generate-directory';

/**
 * `npm run bench -- directory [users] [groups]`: a generated directory (default 100,000 users, 2,000 groups up to
 * 5 levels deep, OUs, disabled accounts, a cycle) in its own slapd on :3891, then the directory service against it:
 * full sync, resolution of "all-staff except one nested group", preview latency, heap. Results are checked
 * against an independent computation; figures are printed with the raw LDAP read as the in-run baseline.
 */
const URL = `ldap://127.0.0.1:${process.env.BIGLDAP_PORT ?? 3891}`;
const ms = (t: number) => `${t.toFixed(0)} ms`;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const users = Number(process.argv[2] ?? 100_000);
  const groups = Number(process.argv[3] ?? 2_000);
  execFileSync('bash', [join(repoRoot(), 'deploy/ci/start-bigldap.sh'), String(users), String(groups)], { stdio: 'inherit' });
  const model = bigDirectory(users, groups);

  // Baseline: the bare paged read of every user entry over LDAP, which any sync must at least pay.
  let t = performance.now();
  const c = new Client({ url: URL });
  await c.bind(`cn=admin,${BIG.suffix}`, 'admin');
  const raw = await c.search(BIG.suffix, { scope: 'sub', filter: '(objectClass=inetOrgPerson)', attributes: ['uid', 'cn', 'displayName', 'mail', 'departmentNumber', 'l'], paged: { pageSize: 1000 } });
  await c.unbind();
  const baselineMs = performance.now() - t;

  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const env = loadEnv({
    HERALD_DIRECTORY: 'ldap', LDAP_URL: URL, LDAP_BIND_DN: `cn=admin,${BIG.suffix}`, LDAP_BIND_PASSWORD: 'admin', LDAP_BASE_DN: BIG.suffix,
    LDAP_DISABLED_FILTER: DISABLED_FILTER, LDAP_TIMEOUT_MS: '60000', SQLITE_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', RPC_TIMEOUT_MS: '60000',
  });
  const infra = await createInfra(env, 'bench');
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  t = performance.now();
  const herald = await bootHerald('bench', [directoryService], infra); // boot runs the first full sync
  const bootMs = performance.now() - t;
  try {
    const snapshots = herald.app.get(SnapshotService);
    t = performance.now();
    await snapshots.sync();
    const syncMs = performance.now() - t;
    global.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;

    const allStaff = `${BIG.prefix}all-staff`;
    const nested = model.groups[7].cn; // a level-2 group: its subtree nests three levels deeper
    const audience = { users: [], groups: [allStaff], exclude: { groups: [nested] } };
    t = performance.now();
    const first = await infra.bus.request(ResolveAudience, { audience });
    const resolveColdMs = performance.now() - t;
    t = performance.now();
    const again = await infra.bus.request(ResolveAudience, { audience });
    const resolveWarmMs = performance.now() - t;

    const excluded = expectedGroupMembers(model, nested);
    const expected = [...expectedGroupMembers(model, allStaff)].filter((u) => !excluded.has(u)).sort();
    if (JSON.stringify(first.userIds) !== JSON.stringify(expected) || JSON.stringify(again.userIds) !== JSON.stringify(expected)) {
      throw new Error(`resolution differs from the independent computation: ${first.userIds.length} vs ${expected.length}`);
    }

    const token = infra.tokens.issue({ userId: 'bench', displayName: 'Bench', roles: ['admin', 'recipient'] }).token;
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      t = performance.now();
      const res = await request(herald.url).post('/api/audiences/preview').set('authorization', `Bearer ${token}`).send({ audience: { groups: [allStaff], exclude: { groups: [model.groups[7 + (i % 5)].cn] } }, limit: 50 });
      latencies.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`preview ${res.status}: ${JSON.stringify(res.body)}`);
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[10];
    const p95 = latencies[18];

    const searches: number[] = [];
    for (const q of ['bc-u9999', 'user 4242', 'zoë', 'bc-g1', 'region-3', 'nobody-here', 'bc-u1', '*', 'u', 'team']) {
      t = performance.now();
      await request(herald.url).get('/api/directory/search').query({ q, limit: 20 }).set('authorization', `Bearer ${token}`).expect(200);
      searches.push(performance.now() - t);
    }
    searches.sort((a, b) => a - b);

    const status = snapshots.syncStatus();
    const rows: [string, string, string][] = [
      ['directory', `${status.counts?.users} enabled users (${users} generated), ${status.counts?.groups} groups, ${status.counts?.ous} OUs`, ''],
      ['baseline: paged LDAP read of all users', ms(baselineMs), `${raw.searchEntries.length} entries`],
      ['boot incl. first full sync', ms(bootMs), ''],
      ['full sync (users + groups + OUs → snapshot)', ms(syncMs), `${(syncMs / baselineMs).toFixed(2)}× baseline; target < 60000 ms`],
      ['resolve all-staff except a nested group (cold)', ms(resolveColdMs), `${first.userIds.length} users; target < 1000 ms`],
      ['same, warm (group closures cached)', ms(resolveWarmMs), ''],
      ['preview p50 / p95 (HTTP, 20 runs)', `${ms(p50)} / ${ms(p95)}`, 'target < 300 ms'],
      ['picker search p50 / max (HTTP, 10 queries)', `${ms(searches[5])} / ${ms(searches[9])}`, ''],
      ['heap used: before boot → after sync', `${mb(heapBefore)} → ${mb(heapAfter)}`, `target < 500 MB${global.gc ? '' : ' (run with --expose-gc for exact figures)'}`],
    ];
    for (const [k, v, note] of rows) process.stdout.write(`${k.padEnd(50)} ${v.padEnd(22)} ${note}\n`);
    process.stdout.write('result matches the independent computation: yes\n');
  } finally {
    await herald.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
