import { AuditEntry, AuditRecord } from '@herald/contracts';
import { canonical, hmac, sha256 } from './canonical';

import { randomBytes } from 'node:crypto';

/**
 * Each audit process appends to a chain of its own, named when it starts (UTC start time + random suffix, so
 * chains sort by age). One writer per chain means replicas never race for a sequence number and never fork a
 * chain, with no lock and no transaction; the store holds one chain per process lifetime, all verified.
 */
export function newChainId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace('.', '').toLowerCase().slice(0, 18)}-${randomBytes(4).toString('hex')}`;
}

/** A chain as registered when its first entry is written: lets verify notice a chain deleted as a whole. */
export interface ChainDoc {
  _id: string;
  openedAt: string;
}

/** How a record is stored: `_id` = `<chain>:<seq, 12 digits>` so the id order is the chain order. */
export type AuditDoc = Omit<AuditRecord, 'id'> & { _id: string; entryId: string };

/** A checkpoint signs the head of a chain at `seq`; `purge` checkpoints mark where retention cut the chain. */
export interface CheckpointDoc {
  _id: string;
  chain: string;
  seq: number;
  hash: string;
  at: string;
  kind: 'periodic' | 'purge';
  mac: string;
}

export const SEQ_DIGITS = 12;
export const docId = (chain: string, seq: number): string => `${chain}:${String(seq).padStart(SEQ_DIGITS, '0')}`;
export const CURSOR = /^[a-z0-9-]{1,32}:\d{12}$/;
/** The chain a record `_id` belongs to. */
export const chainOf = (id: string): string => id.slice(0, id.lastIndexOf(':'));

/** The fields the hash covers: everything an auditor reads, plus the place in the chain and the previous link. */
// Written out in canonical (sorted-key) order by hand: this runs for every entry appended and verified.
function hashInput(r: Omit<AuditDoc, '_id' | 'hash'>): string {
  const s = JSON.stringify;
  return `{"action":${s(r.action)},"actor":${s(r.actor)},"alertId":${s(r.alertId ?? null)},"at":${s(r.at)},"chain":${s(r.chain)},"correlationId":${s(r.correlationId ?? null)},"details":${canonical(r.details ?? {})},"id":${s(r.entryId)},"prevHash":${s(r.prevHash)},"seq":${s(r.seq)},"subject":${s(r.subject)}}`;
}

export const recordHash = (r: Omit<AuditDoc, '_id' | 'hash'>): string => sha256(hashInput(r));

/** Links `entries` after the head (`seq`, `hash`): each record carries the hash of the one before it. */
export function link(chain: string, head: { seq: number; hash: string }, entries: AuditEntry[]): AuditDoc[] {
  let prev = head;
  return entries.map(({ id, ...e }) => {
    const body = { ...e, chain, seq: prev.seq + 1, entryId: id, prevHash: prev.hash };
    const doc: AuditDoc = { _id: docId(chain, body.seq), ...body, hash: recordHash(body) };
    prev = doc;
    return doc;
  });
}

export const checkpointMac = (key: string, c: Omit<CheckpointDoc, '_id' | 'mac'>): string => hmac(key, canonical({ chain: c.chain, seq: c.seq, hash: c.hash, at: c.at, kind: c.kind }));

/** The public form of a stored record. */
export function toRecord({ _id, entryId, ...rest }: AuditDoc): AuditRecord {
  return { id: entryId, ...rest };
}
