#!/usr/bin/env node
import { ConfigError, loadEnv } from '@herald/config';
import { MongoStore, SqliteStore, Store } from '@herald/persistence';
import { ChainRepository } from './chain/chain.repository';
import { verifyChains } from './chain/chain.verifier';
import { auditSigningKey } from './chain/signing-key';

const USAGE = `usage: herald audit verify [--json]
  Recomputes the audit hash chain from the store named by the environment (HERALD_STORE, SQLITE_DIR or
  MONGODB_URL + MONGODB_DB_PREFIX, AUDIT_SIGNING_KEY) and names the first broken entry.
  exit 0: chain intact; 1: chain broken; 2: usage or configuration error`;

/** `herald audit verify`: the same check as GET /api/audit/verify, run directly against the store. */
export async function main(argv: string[], out: (line: string) => void, err: (line: string) => void, source: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [area, command, ...flags] = argv;
  if (area !== 'audit' || command !== 'verify' || flags.some((f) => f !== '--json')) {
    err(USAGE);
    return 2;
  }
  let store: Store | undefined;
  try {
    const env = loadEnv(source);
    const key = auditSigningKey(env);
    store = env.HERALD_STORE === 'sqlite' ? SqliteStore.forService(env.SQLITE_DIR, 'audit') : await MongoStore.connect(env.MONGODB_URL, `${env.MONGODB_DB_PREFIX}audit`);
    const report = await verifyChains(await ChainRepository.open(store), key);
    out(flags.includes('--json') ? JSON.stringify(report) : report.message);
    return report.ok ? 0 : 1;
  } catch (e) {
    err(e instanceof ConfigError ? e.message : `herald audit verify: ${(e as Error).message}`);
    return 2;
  } finally {
    await store?.close();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), (l) => console.log(l), (l) => console.error(l)).then((code) => (process.exitCode = code));
}
