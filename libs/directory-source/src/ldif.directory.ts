import { readFileSync } from 'node:fs';
import { FilterParser } from 'ldapts';
import { DirectoryChanges, DirectoryComputer, DirectoryExport, DirectoryGroup, DirectoryOu, DirectorySource, DirectoryUser } from './directory-source';
import { LdifEntry, normaliseDn, parseLdif } from './ldif';
import { verifyPassword } from './password';

const first = (e: LdifEntry, a: string) => e.attrs.get(a)?.[0];
/** Attribute names are case-insensitive in LDAP; the filter classes look some of them up verbatim. */
const caseless = (rec: Record<string, string>) => new Proxy(rec, { get: (t, k) => (typeof k === 'string' ? t[k.toLowerCase()] : undefined), has: (t, k) => typeof k === 'string' && k.toLowerCase() in t });
const hasClass = (e: LdifEntry, c: string) => (e.attrs.get('objectclass') ?? []).some((v) => v.toLowerCase() === c);

/**
 * A directory held in memory, loaded from an LDIF file: the demo directory of single-node mode. Users are
 * inetOrgPerson entries keyed by `uid`; groups are groupOfNames keyed by `cn`, nested through `member`; computers
 * are `device` (or `computer`) entries keyed by `cn`.
 */
export class LdifDirectory implements DirectorySource {
  private readonly users = new Map<string, { user: DirectoryUser; password?: string }>();
  private readonly usersByDn = new Map<string, DirectoryUser>();
  private readonly groups = new Map<string, DirectoryGroup & { members: string[] }>();
  private readonly groupsByDn = new Map<string, DirectoryGroup & { members: string[] }>();
  private readonly ous: DirectoryOu[] = [];
  private readonly computers: DirectoryComputer[] = [];
  /** Each user's attributes (names lower-cased; first value of each: the demo has no multi-valued ones to filter on). */
  private readonly attrsByUser = new Map<string, Record<string, string>>();

  constructor(entries: LdifEntry[]) {
    for (const e of entries) {
      if (hasClass(e, 'inetorgperson') && first(e, 'uid')) {
        const user: DirectoryUser = {
          id: first(e, 'uid')!,
          dn: e.dn,
          displayName: first(e, 'displayname') ?? first(e, 'cn') ?? first(e, 'uid')!,
          mail: first(e, 'mail'),
          department: first(e, 'departmentnumber') ?? first(e, 'ou'),
          location: first(e, 'l'),
          ...(first(e, 'manager') ? { manager: first(e, 'manager') } : {}),
          ...(first(e, 'telephonenumber') ? { phone: first(e, 'telephonenumber') } : {}),
        };
        this.users.set(user.id.toLowerCase(), { user, password: first(e, 'userpassword') });
        this.usersByDn.set(normaliseDn(e.dn), user);
        this.attrsByUser.set(user.id, Object.fromEntries([...e.attrs].filter(([k]) => k !== 'userpassword').map(([k, v]) => [k, v[0]])));
      } else if (hasClass(e, 'organizationalunit')) {
        this.ous.push({ name: first(e, 'ou') ?? e.dn, dn: e.dn });
      } else if ((hasClass(e, 'computer') || hasClass(e, 'device')) && first(e, 'cn')) {
        const dnsHostName = first(e, 'dnshostname');
        this.computers.push({ name: first(e, 'cn')!, dn: e.dn, ...(dnsHostName ? { dnsHostName } : {}) });
      } else if (hasClass(e, 'groupofnames') && first(e, 'cn')) {
        const g = { name: first(e, 'cn')!, dn: e.dn, members: (e.attrs.get('member') ?? []).map(normaliseDn) };
        this.groups.set(g.name.toLowerCase(), g);
        this.groupsByDn.set(normaliseDn(e.dn), g);
      }
    }
  }

  static fromFile(path: string): LdifDirectory {
    return new LdifDirectory(parseLdif(readFileSync(path, 'utf8')));
  }

  async authenticate(username: string, password: string): Promise<DirectoryUser | null> {
    if (!username || !password) return null;
    const rec = this.users.get(username.toLowerCase());
    if (!rec?.password) return null;
    return verifyPassword(password, rec.password) ? rec.user : null;
  }

  async findUsers(ids: string[]): Promise<DirectoryUser[]> {
    return ids.map((id) => this.users.get(id.toLowerCase())?.user).filter((u): u is DirectoryUser => !!u);
  }

  async findGroups(names: string[]): Promise<DirectoryGroup[]> {
    return names.map((n) => this.groups.get(n.toLowerCase())).filter((g) => !!g).map((g) => ({ name: g!.name, dn: g!.dn }));
  }

  async findComputers(names: string[]): Promise<DirectoryComputer[]> {
    const wanted = new Set(names.map((n) => n.toLowerCase()));
    return this.computers.filter((c) => wanted.has(c.name.toLowerCase()) || (c.dnsHostName !== undefined && wanted.has(c.dnsHostName.toLowerCase())));
  }

  async groupMembers(group: DirectoryGroup): Promise<DirectoryUser[]> {
    const found = new Map<string, DirectoryUser>();
    const seen = new Set<string>();
    const walk = (dn: string) => {
      if (seen.has(dn)) return;
      seen.add(dn);
      const user = this.usersByDn.get(dn);
      if (user) found.set(user.id, user);
      this.groupsByDn.get(dn)?.members.forEach(walk);
    };
    walk(normaliseDn(group.dn));
    return [...found.values()];
  }

  async userGroups(user: DirectoryUser): Promise<DirectoryGroup[]> {
    const result = new Map<string, DirectoryGroup>();
    const frontier = [normaliseDn(user.dn)];
    while (frontier.length) {
      const dn = frontier.pop()!;
      for (const [gdn, g] of this.groupsByDn) {
        if (!result.has(gdn) && g.members.includes(dn)) {
          result.set(gdn, { name: g.name, dn: g.dn });
          frontier.push(gdn);
        }
      }
    }
    return [...result.values()];
  }

  async exportAll(): Promise<DirectoryExport> {
    return {
      users: [...this.users.values()].map((r) => r.user),
      groups: [...this.groups.values()].map((g) => ({ name: g.name, dn: g.dn, members: [...g.members] })),
      ous: [...this.ous],
      computers: [...this.computers],
      marker: '',
    };
  }

  /** The file does not change while loaded. */
  async changesSince(marker: string): Promise<DirectoryChanges> {
    return { users: [], groups: [], ous: [], computers: [], disabled: [], marker };
  }

  async usersMatching(filter: string): Promise<DirectoryUser[]> {
    const f = FilterParser.parseString(filter);
    return [...this.users.values()].map((r) => r.user).filter((u) => f.matches(caseless(this.attrsByUser.get(u.id) ?? {}), false));
  }

  async close(): Promise<void> {}
}
