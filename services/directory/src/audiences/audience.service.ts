import { Inject, Injectable } from '@nestjs/common';
import { Audience, UnavailableError } from '@herald/contracts';
import { DirectoryUnavailableError } from '@herald/directory-source';
import { Infra, INFRA } from '@herald/runtime';

export interface ResolvedAudience {
  userIds: string[];
  unknownUsers: string[];
  unknownGroups: string[];
}

/** Expands an audience to user ids, nested groups included; names the users and groups the directory lacks. */
@Injectable()
export class AudienceService {
  constructor(@Inject(INFRA) private readonly infra: Infra) {}

  async resolve(audience: Audience): Promise<ResolvedAudience> {
    const dir = this.infra.directory();
    try {
      const users = await dir.findUsers(audience.users);
      const groups = await dir.findGroups(audience.groups);
      const ids = new Set(users.map((u) => u.id));
      for (const g of groups) for (const m of await dir.groupMembers(g)) ids.add(m.id);
      const lower = (xs: { id?: string; name?: string }[]) => new Set(xs.map((x) => (x.id ?? x.name ?? '').toLowerCase()));
      const foundUsers = lower(users);
      const foundGroups = lower(groups);
      return {
        userIds: [...ids].sort(),
        unknownUsers: audience.users.filter((u) => !foundUsers.has(u.toLowerCase())),
        unknownGroups: audience.groups.filter((g) => !foundGroups.has(g.toLowerCase())),
      };
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) throw new UnavailableError(err.message);
      throw err;
    }
  }
}
