import { Inject, Injectable } from '@nestjs/common';
import { Audience, ForbiddenError, ResolveAudience, Severity } from '@herald/contracts';
import { hasRole, Principal, requireRole, Role } from '@herald/auth';
import { Infra, INFRA } from '@herald/runtime';
import type { AlertDoc } from './alert.repository';

/** Roles that may write and send alerts at all; what each may reach is decided by `authorize`. */
export const SENDERS: readonly Role[] = ['admin', 'author', 'crisis'];
/** Severities reserved to the crisis team (and admins). */
export const CRISIS_SEVERITIES: readonly Severity[] = ['critical', 'emergency'];
/** Roles that may read any alert and its deliveries; senders read the alerts they created. */
export const READERS: readonly Role[] = ['admin', 'auditor'];

/**
 * Who may send what to whom, decided from the principal's roles (read from directory groups at login/refresh):
 * - `admin`: anything to anyone;
 * - `crisis`: critical and emergency alerts to anyone (only crisis and admin may send an emergency);
 * - `author`: info and warning alerts to people inside their scope (HERALD_AUTHOR_SCOPES), i.e. every
 *   resolved recipient must be a (nested) member of one of the author's scope groups; no computer or
 *   network-range audiences (those also reach whoever connects there later, which no scope check sees).
 * Refusals throw ForbiddenError, which the process audits (`auth.denied`).
 */
@Injectable()
export class SendPolicy {
  constructor(@Inject(INFRA) private readonly infra: Infra) {}

  async authorize(p: Principal, severity: Severity, resolved: { userIds: string[]; presenceBased?: boolean }, action: string): Promise<void> {
    requireRole(p, SENDERS, action);
    if (hasRole(p, 'admin')) return;
    if (CRISIS_SEVERITIES.includes(severity)) {
      if (hasRole(p, 'crisis')) return;
      throw new ForbiddenError(`${action}: ${severity} alerts require the crisis or admin role`);
    }
    if (!hasRole(p, 'author')) throw new ForbiddenError(`${action}: the crisis role sends only critical and emergency alerts`);
    const scope = p.scope ?? [];
    if (!scope.length) throw new ForbiddenError(`${action}: no audience scope is configured for your author groups`);
    const allowed = new Set((await this.infra.bus.request(ResolveAudience, { audience: { users: [], groups: scope } satisfies Audience })).userIds);
    const outside = resolved.userIds.filter((u) => !allowed.has(u));
    if (outside.length) throw new ForbiddenError(`${action}: the audience reaches ${outside.length} people outside your scope (${scope.join(', ')})`);
    // Recipients of a computer or network-range audience are also admitted when they connect later, unchecked.
    if (resolved.presenceBased) throw new ForbiddenError(`${action}: computer and network-range audiences need the admin role (whoever connects there later receives the alert, inside your scope or not)`);
  }

  /** Checked before the alert is looked up, so a recipient cannot probe which alert ids exist. */
  mayReadSome(p: Principal, action: string): void {
    requireRole(p, [...new Set([...READERS, ...SENDERS])], action);
  }

  /**
   * Readers see every alert; a sender sees the alerts they created; the crisis team sees every critical and
   * emergency alert, whoever fired it (a colleague, the webhook of a panic button), since any of them may end it.
   */
  canRead(p: Principal, alert: Pick<AlertDoc, 'createdBy' | 'severity'>, action: string): void {
    if (hasRole(p, ...READERS) || alert.createdBy === p.userId) return;
    if (hasRole(p, 'crisis') && CRISIS_SEVERITIES.includes(alert.severity)) return;
    throw new ForbiddenError(`${action}: only its author, the crisis team (critical and emergency alerts), an admin or an auditor may read this alert`);
  }
}
