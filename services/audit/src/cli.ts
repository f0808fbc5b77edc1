#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { ConfigError, Env, loadEnv } from '@herald/config';
import { MongoStore, SqliteStore, Store } from '@herald/persistence';
import { ChainRepository } from './chain/chain.repository';
import { verifyChains } from './chain/chain.verifier';
import { ChainWriter } from './chain/chain.writer';
import { newChainId } from './chain/record';
import { auditSigningKey } from './chain/signing-key';
import { purgeExpired } from './retention/purge';

const USAGE = `usage: herald audit verify [--json]
       herald audit purge [--dry-run] [--json]
  verify: recomputes every audit hash chain and names the first broken entry.
  purge:  deletes what AUDIT_RETENTION_DAYS lets go, leaves a signed purge checkpoint, and audits itself.
  Both use the store the environment names (HERALD_STORE, SQLITE_DIR or MONGODB_URL + MONGODB_DB_PREFIX) and
  AUDIT_SIGNING_KEY.
  exit 0: done, chain intact; 1: chain broken; 2: usage or configuration error`;

type Print = (line: string) => void;

/** `herald audit verify|purge`: the same code as the audit API, run directly against the store. */
export async function main(argv: string[], out: Print, err: Print, source: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [area, command, ...flags] = argv;
  const allowed = command === 'purge' ? ['--json', '--dry-run'] : ['--json'];
  if (area !== 'audit' || !['verify', 'purge'].includes(command) || flags.some((f) => !allowed.includes(f))) {
    err(USAGE);
    return 2;
  }
  const json = flags.includes('--json');
  let store: Store | undefined;
  try {
    const env = loadEnv(source);
    const key = auditSigningKey(env);
    store = await openStore(env);
    const repo = await ChainRepository.open(store);
    if (command === 'verify') {
      const report = await verifyChains(repo, key);
      out(json ? JSON.stringify(report) : report.message);
      return report.ok ? 0 : 1;
    }
    const dryRun = flags.includes('--dry-run');
    const now = new Date();
    const purged = await purgeExpired(repo, key, env.AUDIT_RETENTION_DAYS, now, dryRun);
    const writer = new ChainWriter(repo, { chain: newChainId(now), signingKey: key, checkpointEvery: env.AUDIT_CHECKPOINT_EVERY, now: () => new Date() });
    const details = { retention: env.AUDIT_RETENTION_DAYS, purged, via: 'cli' };
    await writer.append([{ id: `audit:${randomUUID()}`, at: now.toISOString(), actor: `cli:${userInfo().username}`, action: dryRun ? 'audit.purge-previewed' : 'audit.purged', subject: 'audit', details }]);
    const deleted = purged.reduce((n, p) => n + p.deleted, 0);
    out(json ? JSON.stringify({ dryRun, ...details }) : `${dryRun ? 'would purge' : 'purged'} ${deleted} entries from ${purged.length} chain(s)`);
    return 0;
  } catch (e) {
    err(e instanceof ConfigError ? e.message : `herald audit ${command}: ${(e as Error).message}`);
    return 2;
  } finally {
    await store?.close();
  }
}

async function openStore(env: Env): Promise<Store> {
  return env.HERALD_STORE === 'sqlite' ? SqliteStore.forService(env.SQLITE_DIR, 'audit') : MongoStore.connect(env.MONGODB_URL, `${env.MONGODB_DB_PREFIX}audit`);
}

if (require.main === module) {
  void main(process.argv.slice(2), (l) => console.log(l), (l) => console.error(l)).then((code) => (process.exitCode = code));
}
