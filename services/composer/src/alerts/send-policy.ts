import { Inject, Injectable } from '@nestjs/common';
import { Audience, ForbiddenError, ResolveAudience, Severity } from '@herald/contracts';
import { hasRole, Principal, requireRole, Role } from '@herald/auth';
import { Infra, INFRA } from '@herald/runtime';

/** Roles that may write and send alerts at all; what each may reach is decided by `authorize`. */
export const SENDERS: readonly Role[] = ['admin', 'author', 'crisis'];
/** Roles that may read any alert and its deliveries; senders read the alerts they created. */
export const READERS: readonly Role[] = ['admin', 'auditor'];

/**
 * Who may send what to whom, decided from the principal's roles (read from directory groups at login/refresh):
 * - `admin`: anything to anyone;
 * - `crisis`: critical (emergency) alerts to anyone;
 * - `author`: info and warning alerts to people inside their scope (HERALD_AUTHOR_SCOPES), i.e. every
 *   resolved recipient must be a (nested) member of one of the author's scope groups.
 * Refusals throw ForbiddenError, which the process audits (`auth.denied`).
 */
@Injectable()
export class SendPolicy {
  constructor(@Inject(INFRA) private readonly infra: Infra) {}

  async authorize(p: Principal, severity: Severity, recipients: string[], action: string): Promise<void> {
    requireRole(p, SENDERS, action);
    if (hasRole(p, 'admin')) return;
    if (severity === 'critical') {
      if (hasRole(p, 'crisis')) return;
      throw new ForbiddenError(`${action}: critical alerts require the crisis or admin role`);
    }
    if (!hasRole(p, 'author')) throw new ForbiddenError(`${action}: the crisis role sends only critical alerts`);
    const scope = p.scope ?? [];
    if (!scope.length) throw new ForbiddenError(`${action}: no audience scope is configured for your author groups`);
    const allowed = new Set((await this.infra.bus.request(ResolveAudience, { audience: { users: [], groups: scope } satisfies Audience })).userIds);
    const outside = recipients.filter((u) => !allowed.has(u));
    if (outside.length) throw new ForbiddenError(`${action}: the audience reaches ${outside.length} people outside your scope (${scope.join(', ')})`);
  }

  /** Checked before the alert is looked up, so a recipient cannot probe which alert ids exist. */
  mayReadSome(p: Principal, action: string): void {
    requireRole(p, [...new Set([...READERS, ...SENDERS])], action);
  }

  /** Readers see every alert; a sender sees the alerts they created. */
  canRead(p: Principal, createdBy: string, action: string): void {
    if (!hasRole(p, ...READERS) && createdBy !== p.userId) throw new ForbiddenError(`${action}: only its author, an admin or an auditor may read this alert`);
  }
}
