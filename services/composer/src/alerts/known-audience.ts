import { UnprocessableError } from '@herald/contracts';

/** An audience naming people or groups the directory does not know would silently miss them: refuse it (422 naming the field). */
export function assertKnownAudience(resolved: { unknownUsers: string[]; unknownGroups: string[] }): void {
  if (resolved.unknownGroups.length) throw new UnprocessableError(`audience.groups: unknown group(s): ${resolved.unknownGroups.join(', ')}`, 'audience.groups');
  if (resolved.unknownUsers.length) throw new UnprocessableError(`audience.users: unknown user(s): ${resolved.unknownUsers.join(', ')}`, 'audience.users');
}
