import { Inject, Injectable } from '@nestjs/common';
import { Audience, AudienceExclusion, UnavailableError, UnprocessableError, ValidationError } from '@herald/contracts';
import { DirectoryUnavailableError, InvalidFilterError, parseUserFilter } from '@herald/directory-source';
import { Infra, INFRA } from '@herald/runtime';
import { DirectorySnapshot } from '../snapshot/directory-snapshot';
import { SnapshotService } from '../snapshot/snapshot.service';
import { AudienceRepository } from './audience.repository';

export interface ResolvedAudience {
  userIds: string[];
  unknownUsers: string[];
  unknownGroups: string[];
}

interface Ctx {
  snap: DirectorySnapshot;
  unknownUsers: string[];
  unknownGroups: string[];
}

/** How deep saved audiences may reference each other. */
const MAX_NESTING = 5;

/**
 * Resolves audience expressions to user ids on the directory snapshot: users, nested groups, OU subtrees, saved
 * audiences and everyone, minus the exclusions. Only a raw LDAP filter asks the live directory (validated, then
 * ANDed with the user filter, so it can only narrow). Unknown names are reported, not guessed.
 */
@Injectable()
export class AudienceService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly snapshots: SnapshotService, private readonly saved: AudienceRepository) {}

  async resolve(audience: Audience): Promise<ResolvedAudience> {
    let result = await this.evaluate(audience, this.snapshots.current());
    // A name the snapshot lacks may be new since the last sync: if the live directory knows it, sync now and retry.
    if ((result.unknownUsers.length || result.unknownGroups.length) && (await this.liveKnows(result.unknownUsers, result.unknownGroups))) {
      const fresh = await this.snapshots.syncChanges();
      if (fresh) result = await this.evaluate(audience, fresh);
    }
    return result;
  }

  private async evaluate(audience: Audience, snap: DirectorySnapshot): Promise<ResolvedAudience> {
    const unknownUsers: string[] = [];
    const unknownGroups: string[] = [];
    const ctx = { snap, unknownUsers, unknownGroups };
    const included = await this.members(audience, ctx, 'audience', new Set());
    return { userIds: [...included].sort(), unknownUsers, unknownGroups };
  }

  /** Everyone the expression selects, minus everyone its exclusion selects. */
  private async members(a: Audience, ctx: Ctx, field: string, chain: Set<string>): Promise<Set<string>> {
    const ids = await this.select(a, ctx, field, chain);
    if (a.everyone) for (const id of ctx.snap.allUserIds()) ids.add(id);
    if (a.exclude) for (const id of await this.select(a.exclude, ctx, `${field}.exclude`, chain)) ids.delete(id);
    return ids;
  }

  private async select(a: AudienceExclusion, ctx: Ctx, field: string, chain: Set<string>): Promise<Set<string>> {
    const { snap } = ctx;
    const ids = new Set<string>();
    for (const name of a.users ?? []) {
      const u = snap.user(name);
      if (u) ids.add(u.id);
      else ctx.unknownUsers.push(name);
    }
    for (const name of a.groups ?? []) {
      if (!snap.hasGroup(name)) ctx.unknownGroups.push(name);
      else for (const id of snap.groupUserIds(name)) ids.add(id);
    }
    const badOus = (a.ous ?? []).filter((dn) => !snap.hasOu(dn));
    if (badOus.length) throw new UnprocessableError(`${field}.ous: unknown OU(s): ${badOus.join('; ')}`, `${field}.ous`);
    for (const dn of a.ous ?? []) for (const id of snap.ouUserIds(dn)) ids.add(id);
    if (a.filter !== undefined) for (const id of await this.filtered(a.filter, snap, field)) ids.add(id);
    for (const audienceId of a.audiences ?? []) {
      if (chain.has(audienceId) || chain.size >= MAX_NESTING) throw new UnprocessableError(`${field}.audiences: saved audience ${audienceId} refers to itself or nests deeper than ${MAX_NESTING}`, `${field}.audiences`);
      const doc = await this.saved.get(audienceId);
      if (!doc) throw new UnprocessableError(`${field}.audiences: unknown saved audience ${audienceId}`, `${field}.audiences`);
      for (const id of await this.members(doc.audience, ctx, `${field}.audiences`, new Set([...chain, audienceId]))) ids.add(id);
    }
    return ids;
  }

  private async filtered(raw: string, snap: DirectorySnapshot, field: string): Promise<Set<string>> {
    let text: string;
    try {
      text = parseUserFilter(raw).text;
    } catch (err) {
      if (err instanceof InvalidFilterError) throw new ValidationError(`${field}.filter: ${err.message}`, `${field}.filter`);
      throw err;
    }
    try {
      return snap.known((await this.infra.directory().usersMatching(text)).map((u) => u.dn));
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) throw new UnavailableError(`${field}.filter: a raw LDAP filter needs the live directory, which is unavailable: ${err.message}`);
      throw err;
    }
  }

  private async liveKnows(users: string[], groups: string[]): Promise<boolean> {
    try {
      const dir = this.infra.directory();
      return (await dir.findUsers(users)).length > 0 || (await dir.findGroups(groups)).length > 0;
    } catch {
      return false; // directory down: the snapshot's answer stands
    }
  }
}
