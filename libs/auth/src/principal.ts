import { ForbiddenError } from '@herald/contracts';

export const ROLES = ['admin', 'recipient'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified token. */
export interface Principal {
  userId: string;
  displayName: string;
  roles: Role[];
}

/** Service-layer authorisation: throws ForbiddenError (HTTP 403) unless the principal holds `role`. */
export function requireRole(principal: Principal, role: Role, action: string): void {
  if (!principal.roles.includes(role)) throw new ForbiddenError(`${action} requires the ${role} role`);
}

/** Maps directory group names to roles: members of any `adminGroups` are admins; everyone is a recipient. */
export function rolesFromGroups(groupNames: string[], adminGroups: string[]): Role[] {
  const wanted = new Set(adminGroups.map((g) => g.toLowerCase()));
  const isAdmin = groupNames.some((g) => wanted.has(g.toLowerCase()));
  return isAdmin ? ['admin', 'recipient'] : ['recipient'];
}
