import { Person } from '@herald/contracts';
import { DirectoryComputer, DirectoryExport, DirectoryOu, DirectoryUser, normaliseDn } from '@herald/directory-source';

interface SnapGroup {
  name: string;
  dn: string;
  members: string[];
}

export interface SearchHits {
  users: Pick<DirectoryUser, 'id' | 'displayName' | 'mail' | 'department'>[];
  groups: { name: string; dn: string }[];
  ous: DirectoryOu[];
}

/**
 * An immutable, in-memory picture of the directory: enabled users, groups with their direct members, OUs. Audience
 * resolution runs here instead of on live LDAP per request. Group expansion is client-side and cycle-safe;
 * a member DN that names no synced user (deleted, disabled, outside the base) simply contributes nobody, so a
 * deleted user leaves every group at the next sync.
 */
export class DirectorySnapshot {
  private readonly usersByDn = new Map<string, DirectoryUser>();
  private readonly usersById = new Map<string, DirectoryUser>();
  private readonly groupsByDn = new Map<string, SnapGroup>();
  private readonly groupsByName = new Map<string, SnapGroup>();
  private readonly ousByDn = new Map<string, DirectoryOu>();
  /** Computers by normalised DN, and by lower-cased cn and DNS host name (a name may be shared: several entries). */
  private readonly computersByDn = new Map<string, DirectoryComputer>();
  private readonly computersByName = new Map<string, DirectoryComputer[]>();
  private readonly closures = new Map<string, ReadonlySet<string>>();

  constructor(data: DirectoryExport, readonly syncedAt: Date) {
    for (const u of data.users) {
      this.usersByDn.set(normaliseDn(u.dn), u);
      this.usersById.set(u.id.toLowerCase(), u);
    }
    for (const g of data.groups) {
      const group = { name: g.name, dn: g.dn, members: g.members.map(normaliseDn) };
      this.groupsByDn.set(normaliseDn(g.dn), group);
      this.groupsByName.set(g.name.toLowerCase(), group);
    }
    for (const o of data.ous) this.ousByDn.set(normaliseDn(o.dn), o);
    // snapshots stored before computers were synced have none
    for (const c of data.computers ?? []) {
      this.computersByDn.set(normaliseDn(c.dn), c);
      for (const name of new Set([c.name.toLowerCase(), c.dnsHostName?.toLowerCase()])) {
        if (name) this.computersByName.set(name, [...(this.computersByName.get(name) ?? []), c]);
      }
    }
  }

  get counts(): { users: number; groups: number; ous: number; computers: number } {
    return { users: this.usersById.size, groups: this.groupsByName.size, ous: this.ousByDn.size, computers: this.computersByDn.size };
  }

  /**
   * The computers a name selects: the computer with that cn, DNS host name or DN, or every computer below an OU DN
   * (possibly none). Null when the name is none of these. Plain map lookups: the name never becomes a filter.
   */
  computers(name: string): DirectoryComputer[] | null {
    const byName = this.computersByName.get(name.trim().toLowerCase());
    if (byName) return byName;
    const dn = normaliseDn(name);
    const byDn = this.computersByDn.get(dn);
    if (byDn) return [byDn];
    if (!this.ousByDn.has(dn)) return null;
    const suffix = `,${dn}`;
    return [...this.computersByDn].filter(([cdn]) => cdn.endsWith(suffix)).map(([, c]) => c);
  }

  user(id: string): DirectoryUser | undefined {
    return this.usersById.get(id.toLowerCase());
  }

  hasGroup(name: string): boolean {
    return this.groupsByName.has(name.toLowerCase());
  }

  hasOu(dn: string): boolean {
    return this.ousByDn.has(normaliseDn(dn));
  }

  /** User ids of every member of the group, through nested groups, each group visited once (cycles terminate). */
  groupUserIds(name: string): ReadonlySet<string> {
    const group = this.groupsByName.get(name.toLowerCase());
    if (!group) return new Set();
    const key = normaliseDn(group.dn);
    const cached = this.closures.get(key);
    if (cached) return cached;
    const ids = new Set<string>();
    const seen = new Set<string>([key]);
    const stack = [group];
    while (stack.length) {
      for (const m of stack.pop()!.members) {
        const user = this.usersByDn.get(m);
        if (user) ids.add(user.id);
        const sub = this.groupsByDn.get(m);
        if (sub && !seen.has(m)) (seen.add(m), stack.push(sub));
      }
    }
    this.closures.set(key, ids);
    return ids;
  }

  /** User ids of every user in the OU's subtree. */
  ouUserIds(dn: string): Set<string> {
    const suffix = `,${normaliseDn(dn)}`;
    const ids = new Set<string>();
    for (const [udn, u] of this.usersByDn) if (udn.endsWith(suffix)) ids.add(u.id);
    return ids;
  }

  allUserIds(): Set<string> {
    return new Set([...this.usersById.values()].map((u) => u.id));
  }

  /** Keeps the ids naming synced (enabled) users: a live LDAP answer may hold entries the snapshot excludes. */
  known(dns: string[]): Set<string> {
    const ids = new Set<string>();
    for (const dn of dns) {
      const u = this.usersByDn.get(normaliseDn(dn));
      if (u) ids.add(u.id);
    }
    return ids;
  }

  /**
   * Case-insensitive prefix search for the audience picker: users by account, display name (or any word of it)
   * and mail; groups and OUs by name. Plain string comparison: the query never becomes an LDAP filter.
   */
  search(q: string, limit: number): SearchHits {
    const needle = q.trim().toLowerCase();
    const hit = (...values: (string | undefined)[]) => values.some((v) => v !== undefined && (v.toLowerCase().startsWith(needle) || v.toLowerCase().split(/\s+/).some((w) => w.startsWith(needle))));
    const users: SearchHits['users'] = [];
    for (const u of this.usersById.values()) {
      if (users.length >= limit) break;
      if (hit(u.id, u.displayName, u.mail)) users.push({ id: u.id, displayName: u.displayName, mail: u.mail, department: u.department });
    }
    const groups: SearchHits['groups'] = [];
    for (const g of this.groupsByName.values()) {
      if (groups.length >= limit) break;
      if (hit(g.name)) groups.push({ name: g.name, dn: g.dn });
    }
    const ous = [...this.ousByDn.values()].filter((o) => hit(o.name)).slice(0, limit);
    return { users, groups, ous };
  }

  /** Contact details (mail, phone, department, location) of the given users, in the given order, each with their manager (whom to call about them). */
  describe(ids: string[]): Person[] {
    return ids
      .map((id) => this.usersById.get(id.toLowerCase()))
      .filter((u): u is DirectoryUser => !!u)
      .map(({ id, displayName, mail, department, location, phone, manager }) => ({ id, displayName, mail, department, location, ...(phone ? { phone } : {}), ...(manager ? { manager: this.managerOf(manager) } : {}) }));
  }

  /** A manager DN as a person: the synced user it names, else (outside the base, disabled) the DN's first value as a name. */
  private managerOf(dn: string): NonNullable<Person['manager']> {
    const m = this.usersByDn.get(normaliseDn(dn));
    if (m) return { id: m.id, dn: m.dn, displayName: m.displayName, ...(m.mail ? { mail: m.mail } : {}), ...(m.phone ? { phone: m.phone } : {}) };
    return { dn, displayName: /^[^=]+=((?:\\.|[^,\\])+)/.exec(dn)?.[1]?.replace(/\\(.)/g, '$1') ?? dn };
  }
}
