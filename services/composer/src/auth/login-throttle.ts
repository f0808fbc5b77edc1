import { createHash } from 'node:crypto';
import { Collection, Store } from '@herald/persistence';

/** Failed-login counter for one key (a username or a client address), counted in a fixed window. */
interface CounterDoc {
  _id: string;
  failures: number;
  windowStart: string;
  lockedUntil: string | null;
}

export interface ThrottleLimits {
  maxPerUser: number;
  maxPerClient: number;
  lockoutMs: number;
}

export interface Lock {
  key: 'username' | 'client';
  until: Date;
}

/**
 * Account lockout and per-address rate limit on failed logins (and per address on other failed credentials, such as the
 * emergency webhook's token, each in its own realm), kept in the composer's store so every composer
 * replica sees the same counters. Keys are hashed: usernames as typed by strangers never become document ids.
 * Updates are optimistic (conditional on the count read), so concurrent failures are never lost silently.
 */
export class LoginThrottle {
  private constructor(private readonly counters: Collection<CounterDoc>, private readonly limits: ThrottleLimits) {}

  static async open(store: Store, limits: ThrottleLimits): Promise<LoginThrottle> {
    return new LoginThrottle(await store.collection<CounterDoc>({ name: 'login_throttle', indexes: [] }), limits);
  }

  /** The lock that currently refuses this username or client, if any. */
  async locked(username: string, client: string, now: Date): Promise<Lock | null> {
    return this.firstLock(this.keys(username, client), now);
  }

  /**
   * The lock that currently refuses `client` for another credential that names no user (`realm`, e.g. the emergency
   * webhook's token). Counted apart from logins, so people mistyping passwords behind one NAT address cannot lock a
   * panic button out, and the reverse.
   */
  async lockedAddress(realm: string, client: string, now: Date): Promise<Lock | null> {
    return this.firstLock([['client', this.addressKey(realm, client)]], now);
  }

  /** Counts a failed `realm` credential from `client` (limit LOGIN_MAX_FAILURES_PER_CLIENT); returns the lock it just imposed, if any. */
  async failAddress(realm: string, client: string, now: Date): Promise<Lock | null> {
    const until = await this.increment(this.addressKey(realm, client), this.limits.maxPerClient, now);
    return until ? { key: 'client', until } : null;
  }

  private async firstLock(keys: [Lock['key'], string][], now: Date): Promise<Lock | null> {
    for (const [kind, key] of keys) {
      const doc = await this.counters.findOne({ _id: key });
      if (doc?.lockedUntil && Date.parse(doc.lockedUntil) > now.getTime()) return { key: kind, until: new Date(doc.lockedUntil) };
    }
    return null;
  }

  /** Counts a failure against both keys; returns the locks this failure just imposed. */
  async fail(username: string, client: string, now: Date): Promise<Lock[]> {
    const imposed: Lock[] = [];
    for (const [kind, key] of this.keys(username, client)) {
      const max = kind === 'username' ? this.limits.maxPerUser : this.limits.maxPerClient;
      const until = await this.increment(key, max, now);
      if (until) imposed.push({ key: kind, until });
    }
    return imposed;
  }

  /** A successful login clears the username's count (not the address's: one valid account must not reset it). */
  async succeed(username: string): Promise<void> {
    await this.counters.updateWhere([{ filter: { _id: this.keys(username, '')[0][1] }, set: { failures: 0, lockedUntil: null } }]);
  }

  private addressKey(realm: string, client: string): string {
    return `${realm}:${this.keys('', client)[1][1]}`;
  }

  private keys(username: string, client: string): [Lock['key'], string][] {
    const h = (s: string) => createHash('sha256').update(s).digest('hex');
    return [
      ['username', `u:${h(username.trim().toLowerCase())}`],
      ['client', `c:${h(client)}`],
    ];
  }

  private async increment(key: string, max: number, now: Date): Promise<Date | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.counters.findOne({ _id: key });
      const fresh = !doc || now.getTime() - Date.parse(doc.windowStart) >= this.limits.lockoutMs;
      const failures = fresh ? 1 : doc.failures + 1;
      const lockedUntil = failures >= max ? new Date(now.getTime() + this.limits.lockoutMs) : null;
      const next = { failures, windowStart: fresh ? now.toISOString() : doc.windowStart, lockedUntil: lockedUntil?.toISOString() ?? null };
      const written = doc
        ? (await this.counters.updateWhere([{ filter: { _id: key, failures: doc.failures, windowStart: doc.windowStart }, set: next }])) === 1
        : (await this.counters.insertNew([{ _id: key, ...next }])) === 1;
      if (written) return lockedUntil;
    }
    throw new Error('login throttle: too much contention on one counter');
  }
}
