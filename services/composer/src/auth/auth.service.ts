import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TooManyRequestsError, UnauthorizedError, UnavailableError } from '@herald/contracts';
import { authorScope, Principal, rolesFromGroups } from '@herald/auth';
import { DirectoryUnavailableError, DirectoryUser } from '@herald/directory-source';
import { AuditInput, AuditTrail, Infra, INFRA } from '@herald/runtime';
import { LoginRequest, RefreshRequest } from './login.dto';
import { LoginThrottle } from './login-throttle';
import { SessionRepository } from './session.repository';

export interface LoginResult {
  token: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: Principal;
}

/**
 * Directory login and sessions. A login binds as the user and derives roles from the user's (nested) groups; the
 * access token is short-lived and every refresh reads the groups again, so a role granted or removed in the
 * directory takes effect at the next refresh. Every attempt, refusal and lockout is audited.
 */
@Injectable()
export class AuthService {
  constructor(
    @Inject(INFRA) private readonly infra: Infra,
    private readonly audit: AuditTrail,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionRepository,
  ) {}

  async login(req: LoginRequest, client: string): Promise<LoginResult> {
    const now = this.infra.clock.now();
    const lock = await this.throttle.locked(req.username, client, now);
    if (lock) {
      await this.record(req.username, 'auth.login-throttled', `user:${req.username}`, { client, lockedBy: lock.key, until: lock.until.toISOString() });
      // The same answer whether or not the account exists, so a lock reveals nothing about it.
      throw new TooManyRequestsError(`too many failed logins, try again after ${lock.until.toISOString()}`, (lock.until.getTime() - now.getTime()) / 1000);
    }
    const user = await this.directoryCall((d) => d.authenticate(req.username, req.password));
    if (!user) {
      await this.record(req.username, 'auth.login-failed', `user:${req.username}`, { client });
      for (const l of await this.throttle.fail(req.username, client, now)) {
        await this.record(req.username, 'auth.locked-out', l.key === 'username' ? `user:${req.username}` : `client:${client}`, { client, lockedBy: l.key, until: l.until.toISOString() });
      }
      throw new UnauthorizedError('invalid username or password');
    }
    await this.throttle.succeed(req.username);
    const result = await this.startSession(user, randomUUID(), now);
    await this.record(user.id, 'auth.login', `user:${user.id}`, { client, roles: result.user.roles });
    return result;
  }

  /** Rotates a refresh token: the old one is spent, a replayed one ends the whole session (it was stolen or copied). */
  async refresh(req: RefreshRequest, client: string): Promise<LoginResult> {
    const now = this.infra.clock.now();
    const doc = await this.sessions.find(req.refreshToken);
    const refuse = async (reason: string, actor = doc?.userId ?? 'unknown') => {
      await this.record(actor, 'auth.refresh-refused', `user:${actor}`, { client, reason });
      return new UnauthorizedError(`refresh refused: ${reason}`);
    };
    if (!doc) throw await refuse('unknown refresh token');
    if (doc.revokedAt) throw await refuse('session ended');
    if (doc.usedAt) {
      await this.sessions.revokeFamily(doc.family, now);
      throw await refuse('refresh token reused; the session is revoked');
    }
    if (Date.parse(doc.expiresAt) <= now.getTime()) throw await refuse('refresh token expired');
    const [user] = await this.directoryCall((d) => d.findUsers([doc.userId]));
    if (!user) {
      await this.sessions.revokeFamily(doc.family, now);
      throw await refuse('account no longer in the directory (deleted or disabled)');
    }
    if (!(await this.sessions.consume(doc, now))) {
      await this.sessions.revokeFamily(doc.family, now);
      throw await refuse('refresh token reused; the session is revoked');
    }
    const result = await this.startSession(user, doc.family, now);
    await this.record(user.id, 'auth.refreshed', `user:${user.id}`, { client, roles: result.user.roles });
    return result;
  }

  async logout(req: RefreshRequest, client: string): Promise<void> {
    const doc = await this.sessions.find(req.refreshToken);
    if (!doc) return;
    await this.sessions.revokeFamily(doc.family, this.infra.clock.now());
    await this.record(doc.userId, 'auth.logout', `user:${doc.userId}`, { client });
  }

  private async startSession(user: DirectoryUser, family: string, now: Date): Promise<LoginResult> {
    const principal = await this.principalOf(user);
    const { token, expiresIn } = this.infra.tokens.issue(principal);
    const refreshExpiresIn = this.infra.env.REFRESH_TTL_SECONDS;
    const refreshToken = await this.sessions.issue(user.id, family, now, refreshExpiresIn);
    return { token, expiresIn, refreshToken, refreshExpiresIn, user: principal };
  }

  private async principalOf(user: DirectoryUser): Promise<Principal> {
    const env = this.infra.env;
    const groups = (await this.directoryCall((d) => d.userGroups(user))).map((g) => g.name);
    const roles = rolesFromGroups(groups, { admin: env.HERALD_ADMIN_GROUPS, author: env.HERALD_AUTHOR_GROUPS, crisis: env.HERALD_CRISIS_GROUPS, auditor: env.HERALD_AUDITOR_GROUPS });
    return { userId: user.id, displayName: user.displayName, roles, ...(roles.includes('author') ? { scope: authorScope(groups, env.HERALD_AUTHOR_SCOPES) } : {}) };
  }

  private async directoryCall<T>(fn: (d: ReturnType<Infra['directory']>) => Promise<T>): Promise<T> {
    try {
      return await fn(this.infra.directory());
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) throw new UnavailableError('the directory is unavailable, try again shortly');
      throw err;
    }
  }

  private record(actor: string, action: string, subject: string, details: Record<string, unknown>): Promise<void> {
    const entry: AuditInput = { id: randomUUID(), actor: actor.slice(0, 256), action, subject: subject.slice(0, 300), details };
    return this.audit.record([entry]);
  }
}
