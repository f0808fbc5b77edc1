import { createHash } from 'node:crypto';
import { PresenceReport } from '@herald/contracts';
import { Collection, ConditionalUpdate, Store } from '@herald/persistence';

/**
 * Where a user's client was last seen: one record per user and computer (the host name the client reported), or per
 * user and address for clients that report none (browsers). Bounded: a reconnect updates the record in place, and
 * records not seen for PRESENCE_RETENTION_DAYS are purged.
 */
export interface PresenceDoc {
  _id: string;
  userId: string;
  /** The host name as the client reported it; null for a browser. */
  computer: string | null;
  /** Lower-cased host name and its first label (the NetBIOS-style name AD keeps in cn), for matching computer objects. */
  host: string | null;
  hostShort: string | null;
  address: string;
  sessionId: string;
  connectedAt: string;
  lastSeenAt: string;
  disconnectedAt: string | null;
}

const idOf = (r: PresenceReport): string => {
  const where = r.computer ? `host:${r.computer.toLowerCase()}` : `addr:${r.address}`;
  return createHash('sha256').update(`${r.userId.toLowerCase()}\u0000${where}`).digest('hex').slice(0, 32);
};

const hostOf = (computer: string | undefined) => {
  const host = computer?.trim().toLowerCase() || null;
  return { host, hostShort: host ? host.split('.')[0] : null };
};

export class PresenceRepository {
  private constructor(private readonly presence: Collection<PresenceDoc>) {}

  static async open(store: Store): Promise<PresenceRepository> {
    return new PresenceRepository(await store.collection<PresenceDoc>({ name: 'presence', indexes: [['hostShort', 'lastSeenAt'], ['userId', 'lastSeenAt'], ['lastSeenAt']] }));
  }

  /**
   * Applies gateway reports, idempotently and in any order: each update is conditional on the record not having
   * seen anything later, so a redelivered or late report never moves a record back in time.
   */
  async apply(reports: PresenceReport[]): Promise<void> {
    const ids = reports.map(idOf);
    const existing = new Set((await this.presence.find({ _id: { $in: [...new Set(ids)] } })).map((d) => d._id));
    const fresh = new Map<string, PresenceDoc>();
    reports.forEach((r, i) => {
      if (r.state === 'disconnected' || existing.has(ids[i])) return;
      fresh.set(ids[i], { _id: ids[i], userId: r.userId, computer: r.computer ?? null, ...hostOf(r.computer), address: r.address, sessionId: r.sessionId, connectedAt: r.at, lastSeenAt: r.at, disconnectedAt: null });
    });
    const inserted = fresh.size ? await this.presence.insertNew([...fresh.values()]) : 0;
    // A new record written just now needs no update, unless its batch holds more than one report for it, or another
    // replica inserted it first (then every report is applied as an update, in order).
    const once = new Set(ids.filter((id, i) => ids.indexOf(id) === i && ids.lastIndexOf(id) === i));
    const settled = (id: string) => inserted === fresh.size && fresh.has(id) && once.has(id);
    const updates: ConditionalUpdate<PresenceDoc>[] = [];
    // Heartbeats come by the thousand with one timestamp: one statement per timestamp, not one per session.
    const seen = new Map<string, string[]>();
    reports.forEach((r, i) => {
      const _id = ids[i];
      if (settled(_id)) return;
      if (r.state === 'seen') seen.set(r.at, [...(seen.get(r.at) ?? []), _id]);
      else if (r.state === 'disconnected') updates.push({ filter: { _id, sessionId: r.sessionId, lastSeenAt: { $lte: r.at } }, set: { lastSeenAt: r.at, disconnectedAt: r.at } });
      else updates.push({ filter: { _id, lastSeenAt: { $lte: r.at } }, set: { address: r.address, sessionId: r.sessionId, connectedAt: r.at, lastSeenAt: r.at, disconnectedAt: null } });
    });
    for (const [at, seenIds] of seen) updates.push({ filter: { _id: { $in: [...new Set(seenIds)] }, lastSeenAt: { $lte: at } }, set: { lastSeenAt: at, disconnectedAt: null } });
    if (updates.length) await this.presence.updateWhere(updates);
  }

  /** Records on these short host names seen since `since` (the caller matches the exact computer). */
  onHosts(hostShorts: string[], since: string): Promise<PresenceDoc[]> {
    if (!hostShorts.length) return Promise.resolve([]);
    return this.presence.find({ hostShort: { $in: hostShorts }, lastSeenAt: { $gte: since } });
  }

  /** One user's records seen since `since`. */
  ofUser(userId: string, since: string): Promise<PresenceDoc[]> {
    return this.presence.find({ userId, lastSeenAt: { $gte: since } });
  }

  /** Every record seen since `since`, a batch at a time. */
  seenSince(since: string, batchSize = 5_000): AsyncIterable<PresenceDoc[]> {
    return this.presence.stream({ lastSeenAt: { $gte: since } }, batchSize);
  }

  /** Deletes records not seen since `before`; returns how many. */
  purge(before: string): Promise<number> {
    return this.presence.deleteWhere({ lastSeenAt: { $lt: before } });
  }
}
