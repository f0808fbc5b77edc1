import { ForbiddenError } from '@herald/contracts';

/**
 * `admin` may do everything; `author` may send to the audiences they are scoped to; `crisis` may send critical
 * (emergency) alerts to anyone; `auditor` reads alerts, deliveries and the audit trail; everyone is a `recipient`.
 */
export const ROLES = ['admin', 'author', 'crisis', 'auditor', 'recipient'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified token. */
export interface Principal {
  userId: string;
  displayName: string;
  roles: Role[];
  /** Directory groups an `author` may send to (their members, nested groups included); absent for others. */
  scope?: string[];
}

/** Directory groups granting each role (case-insensitive names); `recipient` needs no group. */
export type RoleGroups = Partial<Record<Exclude<Role, 'recipient'>, string[]>>;

/** True when the principal holds at least one of `roles`. */
export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return roles.some((r) => principal.roles.includes(r));
}

/** Service-layer authorisation: throws ForbiddenError (HTTP 403) unless the principal holds one of `roles`. */
export function requireRole(principal: Principal, roles: Role | readonly Role[], action: string): void {
  const any = typeof roles === 'string' ? [roles] : roles;
  if (hasRole(principal, ...any)) return;
  throw new ForbiddenError(`${action} requires the ${any.length === 1 ? `${any[0]} role` : `${any.join(' or ')} role`}`);
}

/** Maps directory group names to roles, in ROLES order; everyone is a recipient. */
export function rolesFromGroups(groupNames: string[], roleGroups: RoleGroups): Role[] {
  const held = new Set(groupNames.map((g) => g.toLowerCase()));
  const granted = (Object.keys(roleGroups) as (keyof RoleGroups)[]).filter((role) => (roleGroups[role] ?? []).some((g) => held.has(g.toLowerCase())));
  return ROLES.filter((r) => r === 'recipient' || granted.includes(r as keyof RoleGroups));
}

/**
 * The groups an author may target: the union of the scopes configured for the author groups they belong to
 * (`authorScopes` maps an author group to audience groups). An author with no configured scope may target nobody.
 */
export function authorScope(groupNames: string[], authorScopes: Record<string, string[]>): string[] {
  const held = new Set(groupNames.map((g) => g.toLowerCase()));
  const scope = new Set<string>();
  for (const [authorGroup, targets] of Object.entries(authorScopes)) if (held.has(authorGroup.toLowerCase())) targets.forEach((t) => scope.add(t));
  return [...scope].sort();
}
