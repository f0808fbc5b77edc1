import { ChainRepository } from '../chain/chain.repository';
import { signCheckpoint } from '../chain/chain.writer';
import { AuditDoc, docId } from '../chain/record';

export interface PurgeResult {
  chain: string;
  /** The last purged seq, signed as a purge checkpoint; verify starts each chain after it. */
  throughSeq: number;
  deleted: number;
}

const DAY_MS = 86_400_000;

/** Days an entry's class (first word of its action) is kept, or null when it is kept forever. */
export function retentionDays(action: string, retention: Record<string, number>): number | null {
  return retention[action.split('.')[0]] ?? retention['*'] ?? null;
}

/**
 * The retention job. A hash chain can only lose a prefix and stay verifiable, so each chain is cut after the
 * longest run of oldest records that are all past their class's retention: no record is ever deleted before its
 * time, though a short-lived class may be kept longer behind an older long-lived one. A purge checkpoint, signed
 * before anything is deleted, records where the chain now starts and the hash it continues from.
 */
export async function purgeExpired(repo: ChainRepository, key: string, retention: Record<string, number>, now: Date, dryRun = false): Promise<PurgeResult[]> {
  if (!Object.keys(retention).length) return [];
  const checkpoints = await repo.allCheckpoints();
  const results: PurgeResult[] = [];
  for (const { _id: chain } of await repo.registeredChains()) {
    const purgedSeq = Math.max(0, ...checkpoints.filter((c) => c.chain === chain && c.kind === 'purge').map((c) => c.seq));
    let last: AuditDoc | null = null;
    scan: for await (const page of repo.scan({ chain, after: docId(chain, purgedSeq) })) {
      for (const doc of page) {
        const days = retentionDays(doc.action, retention);
        if (days === null || new Date(doc.at).getTime() + days * DAY_MS > now.getTime()) break scan;
        last = doc;
      }
    }
    if (!last) continue;
    if (!dryRun) await signCheckpoint(repo, key, last, 'purge', now);
    const deleted = dryRun ? last.seq - purgedSeq : await repo.deleteThrough(chain, last.seq);
    results.push({ chain, throughSeq: last.seq, deleted });
  }
  return results;
}
