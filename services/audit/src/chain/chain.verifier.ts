import { GENESIS_HASH, VerifyReport } from '@herald/contracts';
import { ChainRepository } from './chain.repository';
import { sameMac } from './canonical';
import { AuditDoc, chainOf, checkpointMac, CheckpointDoc, docId, recordHash } from './record';

type Broken = NonNullable<VerifyReport['firstBroken']>;
type Link = { seq: number; hash: string };

/**
 * Recomputes every chain in one pass over the records in `_id` order (chain by chain, seq by seq), one page in
 * memory at a time, and names the first record that breaks a chain: altered content, a broken link, a gap where
 * a record was deleted, a record contradicting a signed checkpoint, a forged checkpoint, or a registered chain
 * whose records are gone. A chain cut by retention starts after its latest signed purge checkpoint.
 */
export async function verifyChains(repo: ChainRepository, signingKey: string): Promise<VerifyReport> {
  const checkpoints = await repo.allCheckpoints();
  const registered = new Set((await repo.registeredChains()).map((c) => c._id));
  const seen = new Set<string>();
  let entries = 0;
  const report = (firstBroken?: Broken): VerifyReport => ({
    ok: !firstBroken,
    chains: seen.size,
    entries,
    checkpoints: checkpoints.length,
    firstBroken,
    message: firstBroken
      ? `audit chain "${firstBroken.chain}" is broken at entry #${firstBroken.seq}${firstBroken.entryId ? ` (id ${firstBroken.entryId})` : ''}: ${firstBroken.reason}`
      : `audit trail verified: ${entries} entries in ${seen.size} chain(s), ${checkpoints.length} signed checkpoint(s)`,
  });

  const forged = checkpoints.find((c) => !sameMac(c.mac ?? '', checkpointMac(signingKey, c)));
  if (forged) return report({ chain: forged.chain, seq: forged.seq, reason: `the signed checkpoint at #${forged.seq} has an invalid signature (forged, altered, or signed with another AUDIT_SIGNING_KEY)` });
  const byChain = new Map<string, CheckpointDoc[]>();
  for (const c of checkpoints) byChain.set(c.chain, [...(byChain.get(c.chain) ?? []), c]);

  let chain = '';
  let prev: Link = { seq: 0, hash: GENESIS_HASH };
  let pending = new Map<number, CheckpointDoc>();
  let purgedThrough = 0;
  /** Closes a chain: a signed checkpoint past its last record means its newest records were deleted. */
  const close = (): Broken | undefined => {
    const lost = [...pending.values()].find((c) => c.seq > prev.seq);
    return lost ? { chain, seq: prev.seq + 1, reason: `entries #${prev.seq + 1} to #${lost.seq} are missing: the signed checkpoint at #${lost.seq} names a record that is gone (deleted)` } : undefined;
  };
  const open = (name: string): void => {
    chain = name;
    seen.add(name);
    const own = byChain.get(name) ?? [];
    const purge = own.filter((c) => c.kind === 'purge').at(-1);
    prev = purge ? { seq: purge.seq, hash: purge.hash } : { seq: 0, hash: GENESIS_HASH };
    purgedThrough = prev.seq;
    pending = new Map(own.filter((c) => c.seq > prev.seq).map((c) => [c.seq, c]));
  };

  for await (const page of repo.scan({})) {
    for (const doc of page) {
      const docChain = chainOf(doc._id);
      if (docChain !== chain) {
        const broken = chain ? close() : undefined;
        if (broken) return report(broken);
        open(docChain);
      }
      // Records at or below a purge checkpoint were due for deletion (a purge interrupted midway): not judged.
      if (Number(doc._id.slice(chain.length + 1)) <= purgedThrough) continue;
      const broken = check(doc, chain, prev, pending.get(prev.seq + 1));
      if (broken) return report(broken);
      pending.delete(doc.seq);
      prev = doc;
      entries++;
    }
  }
  const broken = chain ? close() : undefined;
  if (broken) return report(broken);
  // A chain purged whole ends with a purge checkpoint; one whose latest checkpoint is periodic had records.
  const vanished = [...registered].find((c) => !seen.has(c) && byChain.get(c)?.reduce((a, b) => (b.seq > a.seq || (b.seq === a.seq && b.kind === 'purge') ? b : a)).kind === 'periodic');
  if (vanished) return report({ chain: vanished, seq: 1, reason: 'the chain is registered and signed, but all its records are gone (deleted)' });
  return report();
}

function check(doc: AuditDoc, chain: string, prev: Link, checkpoint: CheckpointDoc | undefined): Broken | undefined {
  const expected = prev.seq + 1;
  const entryId = typeof doc.entryId === 'string' ? doc.entryId : undefined;
  // The _id fixes the place in the chain; a later one than expected means records were deleted in between.
  const idSeq = Number(doc._id.slice(chain.length + 1));
  if (idSeq > expected) return { chain, seq: expected, reason: `entry #${expected} is missing (deleted): the chain jumps from #${prev.seq} to #${idSeq}` };
  if (doc.seq !== expected || doc.chain !== chain || doc._id !== docId(chain, expected)) return { chain, seq: expected, entryId, reason: 'its place in the chain (chain or seq) was altered' };
  if (doc.prevHash !== prev.hash) return { chain, seq: expected, entryId, reason: `its previous-hash link does not match entry #${prev.seq} (an earlier entry was replaced, or this one was moved)` };
  const { _id, hash, ...body } = doc;
  if (recordHash(body) !== hash) return { chain, seq: expected, entryId, reason: 'its content no longer matches its hash (the entry was altered)' };
  if (checkpoint && checkpoint.hash !== hash) return { chain, seq: expected, entryId, reason: `it does not match the signed checkpoint at #${checkpoint.seq} (the chain was rewritten from here)` };
  return undefined;
}
