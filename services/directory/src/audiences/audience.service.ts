import { Inject, Injectable } from '@nestjs/common';
import { Audience, AudienceExclusion, ClientPresence, parseCidr, UnavailableError, UnprocessableError, ValidationError } from '@herald/contracts';
import { DirectoryUnavailableError, InvalidFilterError, parseUserFilter } from '@herald/directory-source';
import { JsonLogger } from '@herald/observability';
import { Infra, INFRA } from '@herald/runtime';
import { DirectorySnapshot } from '../snapshot/directory-snapshot';
import { SnapshotService } from '../snapshot/snapshot.service';
import { PresenceService, PresenceView } from '../presence/presence.service';
import { AudienceRepository } from './audience.repository';

export interface ResolvedAudience {
  userIds: string[];
  unknownUsers: string[];
  unknownGroups: string[];
  unknownComputers: string[];
  /** The included part selects by computer or network range: someone connecting later may still qualify. */
  presenceBased: boolean;
}

interface Ctx {
  snap: DirectorySnapshot;
  presence: PresenceView;
  unknownUsers: string[];
  unknownGroups: string[];
  unknownComputers: string[];
  presenceBased: boolean;
  /** Admission of one user: `everyone` need not list the whole directory. */
  only?: string;
}

/** How deep saved audiences may reference each other. */
const MAX_NESTING = 5;

/**
 * Resolves audience expressions to user ids on the directory snapshot: users, nested groups, OU subtrees, saved
 * audiences and everyone, minus the exclusions. Only a raw LDAP filter asks the live directory (validated, then
 * ANDed with the user filter, so it can only narrow). Computers and network ranges select the synced users whose
 * clients presence places there. Unknown names are reported, not guessed.
 */
@Injectable()
export class AudienceService {
  private readonly log: JsonLogger;

  constructor(
    @Inject(INFRA) private readonly infra: Infra,
    private readonly snapshots: SnapshotService,
    private readonly saved: AudienceRepository,
    private readonly presence: PresenceService,
  ) {
    this.log = infra.logger('audiences');
  }

  async resolve(audience: Audience): Promise<ResolvedAudience> {
    let result = await this.evaluate(audience, this.snapshots.current(), this.presence.current());
    // A name the snapshot lacks may be new since the last sync: if the live directory knows it, sync now and retry.
    if ((result.unknownUsers.length || result.unknownGroups.length || result.unknownComputers.length) && (await this.liveKnows(result))) {
      const fresh = await this.snapshots.syncChanges();
      if (fresh) result = await this.evaluate(audience, fresh, this.presence.current());
    }
    return result;
  }

  /**
   * Which of these audiences (of alerts already sent) admit a user who connects now from `now`: the same expression,
   * evaluated with that user's presence only. Ids of the admitting audiences.
   */
  async admit(userId: string, now: ClientPresence, audiences: { id: string; audience: Audience }[]): Promise<string[]> {
    const snap = this.snapshots.current();
    const user = snap.user(userId);
    if (!user || !audiences.length) return [];
    const presence = await this.presence.forUser(user.id, now);
    const admitted: string[] = [];
    for (const { id, audience } of audiences) {
      try {
        if ((await this.evaluate(audience, snap, presence, user.id)).userIds.includes(user.id)) admitted.push(id);
      } catch (err) {
        // e.g. a saved audience deleted since, or a raw filter while the directory is down: not admitted this time
        this.log.write('warn', 'could not evaluate an audience for a connecting user', { userId: user.id, occurrenceId: id, error: (err as Error).message });
      }
    }
    return admitted;
  }

  private async evaluate(audience: Audience, snap: DirectorySnapshot, presence: PresenceView, only?: string): Promise<ResolvedAudience> {
    const ctx: Ctx = { snap, presence, only, unknownUsers: [], unknownGroups: [], unknownComputers: [], presenceBased: false };
    const included = await this.members(audience, ctx, 'audience', new Set());
    const { unknownUsers, unknownGroups, unknownComputers, presenceBased } = ctx;
    return { userIds: [...included].sort(), unknownUsers, unknownGroups, unknownComputers, presenceBased };
  }

  /** Everyone the expression selects, minus everyone its exclusion selects. */
  private async members(a: Audience, ctx: Ctx, field: string, chain: Set<string>): Promise<Set<string>> {
    const ids = await this.select(a, ctx, field, chain);
    if (a.everyone) for (const id of ctx.only ? [ctx.only] : ctx.snap.allUserIds()) ids.add(id);
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
    for (const id of await this.located(a, ctx, field)) ids.add(id);
    for (const audienceId of a.audiences ?? []) {
      if (chain.has(audienceId) || chain.size >= MAX_NESTING) throw new UnprocessableError(`${field}.audiences: saved audience ${audienceId} refers to itself or nests deeper than ${MAX_NESTING}`, `${field}.audiences`);
      const doc = await this.saved.get(audienceId);
      if (!doc) throw new UnprocessableError(`${field}.audiences: unknown saved audience ${audienceId}`, `${field}.audiences`);
      for (const id of await this.members(doc.audience, ctx, `${field}.audiences`, new Set([...chain, audienceId]))) ids.add(id);
    }
    return ids;
  }

  /** Users presence places on the named computers or in the network ranges, kept when the snapshot has them. */
  private async located(a: AudienceExclusion, ctx: Ctx, field: string): Promise<Set<string>> {
    const ids = new Set<string>();
    if (!a.computers?.length && !a.networks?.length) return ids;
    if (!field.includes('.exclude')) ctx.presenceBased = true;
    const computers = (a.computers ?? []).flatMap((name) => ctx.snap.computers(name) ?? (ctx.unknownComputers.push(name), []));
    const found = new Set([...(computers.length ? await ctx.presence.onComputers(computers) : []), ...(a.networks?.length ? await ctx.presence.inNetworks(a.networks.map((n) => parseCidr(n))) : [])]);
    for (const id of found) {
      const user = ctx.snap.user(id); // a disabled or deleted user's client may still be connected: not a recipient
      if (user) ids.add(user.id);
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

  private async liveKnows(r: ResolvedAudience): Promise<boolean> {
    try {
      const dir = this.infra.directory();
      return (await dir.findUsers(r.unknownUsers)).length > 0 || (await dir.findGroups(r.unknownGroups)).length > 0 || (await dir.findComputers(r.unknownComputers)).length > 0;
    } catch {
      return false; // directory down: the snapshot's answer stands
    }
  }
}
