import { setTimeout as sleep } from 'node:timers/promises';
import { Collection, Store } from '@herald/persistence';
import { ConflictError, UnprocessableError } from '@herald/contracts';
import type { AlertView } from '../alerts/alerts.service';
import { IDEMPOTENCY_HEADER } from './idempotency-key';

/** One Idempotency-Key as used by one caller for one template: claimed first, then holding the alert it fired. */
interface KeyDoc {
  _id: string;
  fingerprint: string;
  state: 'pending' | 'done';
  alert: AlertView | null;
  /** When the key was claimed (ISO): its age decides replay, takeover and purge. */
  at: string;
}

/** The right to fire under a key: the owner completes it with the alert, or releases it when the firing fails. */
export interface KeyClaim {
  id: string;
  at: string;
}

export type ClaimResult = { kind: 'claimed'; claim: KeyClaim } | { kind: 'replay'; alert: AlertView };

/** A firing normally takes well under a second; a claim still pending after this was left by a replica that died. */
const PENDING_LEASE_MS = 60_000;
/** How long a concurrent duplicate waits, by default, for the first request's alert before it is told to retry. */
const WAIT_FOR_FIRST_MS = 10_000;
const POLL_MS = 50;

/**
 * Idempotency keys of emergency firings, in the composer's store so every replica sees them. Inserting the key's
 * deterministic `_id` is the atomic claim (FerretDB has no transactions): of two identical requests, on any
 * replicas, exactly one inserts it and fires; the other waits for the stored alert and returns it. Keys older than
 * the retention window count as absent and are deleted by `purge` (no TTL indexes on FerretDB).
 */
export class IdempotencyLedger {
  private constructor(private readonly keys: Collection<KeyDoc>, private readonly retentionMs: number, private readonly waitMs: number) {}

  static async open(store: Store, retentionMs: number, waitMs = WAIT_FOR_FIRST_MS): Promise<IdempotencyLedger> {
    return new IdempotencyLedger(await store.collection<KeyDoc>({ name: 'emergency_idempotency', indexes: [['at']] }), retentionMs, waitMs);
  }

  /**
   * Claims `id` for a request whose body hashes to `fingerprint`, or returns the alert an earlier request with the
   * same key fired. The same key with another body is a 422; a first request still firing after a wait is a 409.
   */
  async claim(id: string, fingerprint: string, now: Date): Promise<ClaimResult> {
    const at = now.toISOString();
    const give = Date.now() + this.waitMs;
    for (;;) {
      if ((await this.keys.insertNew([{ _id: id, fingerprint, state: 'pending', alert: null, at }])) === 1) return { kind: 'claimed', claim: { id, at } };
      const doc = await this.keys.findOne({ _id: id });
      if (!doc) continue; // released by a first request that failed: try to be the first now
      const age = now.getTime() - Date.parse(doc.at);
      if (age >= this.retentionMs || (doc.state === 'pending' && age >= PENDING_LEASE_MS)) {
        const taken = await this.keys.updateWhere([{ filter: { _id: id, state: doc.state, at: doc.at }, set: { fingerprint, state: 'pending', alert: null, at } }]);
        if (taken === 1) return { kind: 'claimed', claim: { id, at } };
        continue;
      }
      if (doc.fingerprint !== fingerprint) {
        throw new UnprocessableError(`${IDEMPOTENCY_HEADER}: this key was already used with a different request; use a new key for a different firing`, IDEMPOTENCY_HEADER);
      }
      if (doc.state === 'done' && doc.alert) return { kind: 'replay', alert: doc.alert };
      if (Date.now() >= give) throw new ConflictError(`${IDEMPOTENCY_HEADER}: the first request with this key is still being processed; retry shortly with the same key`);
      await sleep(POLL_MS);
    }
  }

  /** Records the alert the claim fired; later requests with the key return it. */
  async complete(claim: KeyClaim, alert: AlertView): Promise<void> {
    await this.keys.updateWhere([{ filter: { _id: claim.id, state: 'pending', at: claim.at }, set: { state: 'done', alert } }]);
  }

  /** Gives the key back after a failed firing, so a retry with it may fire. */
  async release(claim: KeyClaim): Promise<void> {
    await this.keys.deleteWhere({ _id: claim.id, state: 'pending', at: claim.at });
  }

  /** Deletes keys claimed before `cutoff`; returns how many. */
  purge(cutoff: Date): Promise<number> {
    return this.keys.deleteWhere({ at: { $lt: cutoff.toISOString() } });
  }
}
