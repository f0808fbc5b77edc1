import { createHash, randomBytes } from 'node:crypto';
import { Collection, Store } from '@herald/persistence';

/** One refresh token, stored by hash; `family` is the login session it descends from (rotation keeps it). */
export interface RefreshDoc {
  _id: string;
  family: string;
  userId: string;
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Refresh tokens: opaque, random, single-use; the database holds only their SHA-256, so a leaked copy cannot log in. */
export class SessionRepository {
  private constructor(private readonly tokens: Collection<RefreshDoc>) {}

  static async open(store: Store): Promise<SessionRepository> {
    return new SessionRepository(await store.collection<RefreshDoc>({ name: 'refresh_tokens', indexes: [['family'], ['expiresAt']] }));
  }

  async issue(userId: string, family: string, now: Date, ttlSeconds: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.tokens.insertNew([{ _id: hash(token), family, userId, issuedAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(), usedAt: null, revokedAt: null }]);
    return token;
  }

  find(token: string): Promise<RefreshDoc | null> {
    return this.tokens.findOne({ _id: hash(token) });
  }

  /** Marks the token used; false when it already was (a concurrent or replayed refresh). */
  async consume(doc: RefreshDoc, now: Date): Promise<boolean> {
    return (await this.tokens.updateWhere([{ filter: { _id: doc._id, usedAt: null, revokedAt: null }, set: { usedAt: now.toISOString() } }])) === 1;
  }

  /** Ends a login session: every token of the family stops working. */
  async revokeFamily(family: string, now: Date): Promise<void> {
    await this.tokens.updateWhere([{ filter: { family, revokedAt: null }, set: { revokedAt: now.toISOString() } }]);
  }
}
