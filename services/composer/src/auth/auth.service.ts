import { Inject, Injectable } from '@nestjs/common';
import { UnauthorizedError, UnavailableError } from '@herald/contracts';
import { Principal, rolesFromGroups } from '@herald/auth';
import { DirectoryUnavailableError } from '@herald/directory-source';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { randomUUID } from 'node:crypto';
import { LoginRequest } from './login.dto';

export interface LoginResult {
  token: string;
  expiresIn: number;
  user: Principal;
}

/** Directory login: bind as the user, derive roles from group membership, issue a token. Every attempt is audited. */
@Injectable()
export class AuthService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly audit: AuditTrail) {}

  async login(req: LoginRequest, client: string): Promise<LoginResult> {
    const directory = this.infra.directory();
    let user;
    try {
      user = await directory.authenticate(req.username, req.password);
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) throw new UnavailableError('the directory is unavailable, try again shortly');
      throw err;
    }
    if (!user) {
      await this.audit.record([{ id: randomUUID(), actor: req.username, action: 'auth.login-failed', subject: `user:${req.username}`, details: { client } }]);
      throw new UnauthorizedError('invalid username or password');
    }
    const groups = await directory.userGroups(user);
    const principal: Principal = { userId: user.id, displayName: user.displayName, roles: rolesFromGroups(groups.map((g) => g.name), this.infra.env.HERALD_ADMIN_GROUPS, this.infra.env.HERALD_AUDITOR_GROUPS) };
    const { token, expiresIn } = this.infra.tokens.issue(principal);
    await this.audit.record([{ id: randomUUID(), actor: user.id, action: 'auth.login', subject: `user:${user.id}`, details: { client, roles: principal.roles } }]);
    return { token, expiresIn, user: principal };
  }
}
