import { UnprocessableError } from './errors';

/**
 * An audience naming people, groups or computers the directory does not know would silently miss them: refuse it
 * (422 naming the field). Used wherever an audience is accepted: alerts, templates, saved audiences.
 */
export function assertKnownAudience(resolved: { unknownUsers: string[]; unknownGroups: string[]; unknownComputers?: string[] }): void {
  if (resolved.unknownGroups.length) throw new UnprocessableError(`audience.groups: unknown group(s): ${resolved.unknownGroups.join(', ')}`, 'audience.groups');
  if (resolved.unknownUsers.length) throw new UnprocessableError(`audience.users: unknown user(s): ${resolved.unknownUsers.join(', ')}`, 'audience.users');
  if (resolved.unknownComputers?.length) throw new UnprocessableError(`audience.computers: unknown computer(s): ${resolved.unknownComputers.join(', ')}`, 'audience.computers');
}
