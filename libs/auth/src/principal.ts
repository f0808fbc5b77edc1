import { ForbiddenError } from '@herald/contracts';

export const ROLES = ['admin', 'auditor', 'recipient'] as const;
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

/** Maps directory group names to roles: members of `adminGroups` are admins, of `auditorGroups` auditors; everyone is a recipient. */
export function rolesFromGroups(groupNames: string[], adminGroups: string[], auditorGroups: string[] = []): Role[] {
  const member = (groups: string[]) => {
    const wanted = new Set(groups.map((g) => g.toLowerCase()));
    return groupNames.some((g) => wanted.has(g.toLowerCase()));
  };
  const roles: Role[] = [];
  if (member(adminGroups)) roles.push('admin');
  if (member(auditorGroups)) roles.push('auditor');
  return [...roles, 'recipient'];
}
