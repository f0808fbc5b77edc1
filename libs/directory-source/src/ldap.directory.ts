import { ConnectionOptions } from 'node:tls';
import { isIP } from 'node:net';
import { Client, Entry, InvalidCredentialsError, NoSuchObjectError } from 'ldapts';
import { DirectoryChanges, DirectoryComputer, DirectoryExport, DirectoryGroup, DirectorySource, DirectoryUnavailableError, DirectoryUser } from './directory-source';
import { eq, escapeFilterValue, IN_CHAIN } from './escape';
import { normaliseDn } from './ldif';
import { rangedValues } from './ranged-attribute';

export type NestedGroupStrategy = 'in-chain' | 'memberof' | 'recursive';

export interface LdapOptions {
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  userFilter: string;
  groupFilter: string;
  /** Computer objects: AD `(objectClass=computer)`, OpenLDAP `(objectClass=device)`; default: either. */
  computerFilter?: string;
  usernameAttr: string;
  /**
   * How nested groups are expanded: `in-chain` = AD's matching rule in chain (server-side);
   * `memberof` = a transitive memberOf attribute (OpenLDAP dynlist overlay); `recursive` = client-side walk of
   * `member` values, works on any server, cycle-safe.
   */
  nested: NestedGroupStrategy;
  timeoutMs: number;
  /**
   * Users matching this filter are disabled: they cannot log in and are in no audience. AD:
   * `(userAccountControl:1.2.840.113556.1.4.803:=2)`; OpenLDAP ppolicy: `(pwdAccountLockedTime=*)`. Empty: none.
   */
  disabledFilter?: string;
  /** Which attributes hold what (AD and OpenLDAP differ); defaults suit OpenLDAP inetOrgPerson. */
  attributes?: Partial<AttributeMap>;
  /** Upgrade `ldap://` connections with StartTLS before binding (never sends the password in clear). */
  startTls?: boolean;
  /** PEM CA bundle trusted for LDAPS / StartTLS (a private AD CA); default: Node's public CAs. */
  ca?: string;
  /** What incremental sync compares: OpenLDAP `modifyTimestamp`, AD `whenChanged` or `uSNChanged` (per DC). */
  changeAttr?: ChangeAttr;
}

export type ChangeAttr = 'modifyTimestamp' | 'whenChanged' | 'uSNChanged';

export interface AttributeMap {
  displayName: string;
  mail: string;
  department: string;
  location: string;
  manager: string;
  phone: string;
}

const DEFAULT_ATTRIBUTES: AttributeMap = { displayName: 'displayName', mail: 'mail', department: 'departmentNumber', location: 'l', manager: 'manager', phone: 'telephoneNumber' };
const PAGE = 1_000;
const DEFAULT_COMPUTER_FILTER = '(|(objectClass=computer)(objectClass=device))';
const str = (v: Entry[string] | undefined): string | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined ? undefined : Buffer.isBuffer(x) ? x.toString('utf8') : String(x);
};
const list = (v: Entry[string] | undefined): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x))));

const toComputer = (e: Entry): DirectoryComputer => {
  const dnsHostName = str(e.dNSHostName);
  return { name: str(e.cn) ?? '', dn: e.dn, ...(dnsHostName ? { dnsHostName } : {}) };
};

const isTlsError = (err: unknown) => /certificate|self[- ]signed|tls|ssl|altname/i.test(`${(err as NodeJS.ErrnoException)?.code ?? ''} ${(err as Error)?.message ?? ''}`);
const tlsError = (url: string, err: unknown) =>
  err instanceof DirectoryUnavailableError ? err : new DirectoryUnavailableError(`TLS with the directory at ${url} failed: ${(err as Error).message} (check LDAP_CA_FILE and the server certificate's name)`);

/** OpenLDAP / Active Directory adapter (ldapts). Every filter value coming from a caller is escaped (RFC 4515). */
export class LdapDirectory implements DirectorySource {
  private readonly attrs: AttributeMap;
  private readonly userAttrs: string[];
  private readonly enabledUsers: string;
  private readonly changeAttr: ChangeAttr;

  constructor(private readonly opts: LdapOptions) {
    this.attrs = { ...DEFAULT_ATTRIBUTES, ...opts.attributes };
    this.changeAttr = opts.changeAttr ?? 'modifyTimestamp';
    this.userAttrs = [...new Set(['cn', 'objectClass', opts.usernameAttr, this.changeAttr, ...Object.values(this.attrs)])];
    this.enabledUsers = opts.disabledFilter ? `(&${opts.userFilter}(!${opts.disabledFilter}))` : opts.userFilter;
  }

  private tls(): ConnectionOptions {
    // servername: certificates name hosts, and Node only checks IP SANs when told the host is an IP.
    const host = new URL(this.opts.url).hostname;
    return { ...(this.opts.ca ? { ca: this.opts.ca } : {}), ...(isIP(host) ? {} : { servername: host }), minVersion: 'TLSv1.2' };
  }

  private client(): Client {
    return new Client({ url: this.opts.url, timeout: this.opts.timeoutMs, connectTimeout: this.opts.timeoutMs, ...(this.opts.url.startsWith('ldaps:') ? { tlsOptions: this.tls() } : {}) });
  }

  /** Upgrades with StartTLS when configured, before any bind; a TLS failure becomes a DirectoryUnavailableError that says so. */
  private async secure(c: Client): Promise<void> {
    if (!this.opts.startTls) return;
    try {
      await c.startTLS(this.tls());
    } catch (err) {
      throw tlsError(this.opts.url, err);
    }
  }

  /** Runs `fn` with a client bound as the service account, always unbinding afterwards. */
  private async withService<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = this.client();
    try {
      await this.secure(c);
      if (this.opts.bindDn) await c.bind(this.opts.bindDn, this.opts.bindPassword);
      return await fn(c);
    } catch (err) {
      if (err instanceof InvalidCredentialsError) throw new DirectoryUnavailableError('the directory refused the service account (LDAP_BIND_DN / LDAP_BIND_PASSWORD)');
      if (err instanceof DirectoryUnavailableError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (isTlsError(err)) throw tlsError(this.opts.url, err);
      if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || /timeout|connect/i.test((err as Error).message)) {
        throw new DirectoryUnavailableError(`directory unreachable at ${this.opts.url}: ${(err as Error).message}`);
      }
      throw err;
    } finally {
      await c.unbind().catch(() => undefined);
    }
  }

  private toUser(e: Entry): DirectoryUser {
    const id = str(e[this.opts.usernameAttr]) ?? '';
    const manager = str(e[this.attrs.manager]);
    const phone = str(e[this.attrs.phone]);
    return {
      id,
      dn: e.dn,
      displayName: str(e[this.attrs.displayName]) ?? str(e.cn) ?? id,
      mail: str(e[this.attrs.mail]),
      department: str(e[this.attrs.department]),
      location: str(e[this.attrs.location]),
      ...(manager ? { manager } : {}),
      ...(phone ? { phone } : {}),
    };
  }

  private async searchUsers(c: Client, filter: string): Promise<DirectoryUser[]> {
    const { searchEntries } = await c.search(this.opts.baseDn, {
      scope: 'sub',
      filter: `(&${this.enabledUsers}${filter})`,
      attributes: this.userAttrs,
      paged: { pageSize: PAGE },
    });
    return searchEntries.map((e) => this.toUser(e)).filter((u) => u.id);
  }

  async authenticate(username: string, password: string): Promise<DirectoryUser | null> {
    // An empty password would be an unauthenticated bind, which LDAP servers report as success (RFC 4513 §5.1.2).
    if (!username || !password) return null;
    const found = await this.withService((c) => this.searchUsers(c, eq(this.opts.usernameAttr, username)));
    if (found.length !== 1) return null;
    const c = this.client();
    try {
      await this.secure(c);
      await c.bind(found[0].dn, password);
      return found[0];
    } catch (err) {
      if (err instanceof InvalidCredentialsError) return null;
      if (err instanceof DirectoryUnavailableError) throw err;
      if (isTlsError(err)) throw tlsError(this.opts.url, err);
      throw new DirectoryUnavailableError(`directory unreachable at ${this.opts.url}: ${(err as Error).message}`);
    } finally {
      await c.unbind().catch(() => undefined);
    }
  }

  async findUsers(ids: string[]): Promise<DirectoryUser[]> {
    if (!ids.length) return [];
    return this.withService(async (c) => {
      const out: DirectoryUser[] = [];
      for (let i = 0; i < ids.length; i += 200) {
        const chunk = ids.slice(i, i + 200).map((id) => eq(this.opts.usernameAttr, id)).join('');
        out.push(...(await this.searchUsers(c, `(|${chunk})`)));
      }
      return out;
    });
  }

  async findGroups(names: string[]): Promise<DirectoryGroup[]> {
    if (!names.length) return [];
    return this.withService(async (c) => {
      const { searchEntries } = await c.search(this.opts.baseDn, {
        scope: 'sub',
        filter: `(&${this.opts.groupFilter}(|${names.map((n) => eq('cn', n)).join('')}))`,
        attributes: ['cn'],
      });
      return searchEntries.map((e) => ({ name: str(e.cn) ?? '', dn: e.dn }));
    });
  }

  async findComputers(names: string[]): Promise<DirectoryComputer[]> {
    if (!names.length) return [];
    return this.withService(async (c) => {
      const out: DirectoryComputer[] = [];
      for (let i = 0; i < names.length; i += 200) {
        const any = names.slice(i, i + 200).flatMap((n) => [eq('cn', n), eq('dNSHostName', n)]).join('');
        out.push(...(await this.computerEntries(c, `(|${any})`)).map(toComputer).filter((x) => x.name));
      }
      return out;
    });
  }

  private async computerEntries(c: Client, restrict: string): Promise<Entry[]> {
    return (await c.search(this.opts.baseDn, { scope: 'sub', filter: `(&${this.opts.computerFilter ?? DEFAULT_COMPUTER_FILTER}${restrict})`, attributes: ['cn', 'dNSHostName', this.changeAttr], paged: { pageSize: PAGE } })).searchEntries;
  }

  async groupMembers(group: DirectoryGroup): Promise<DirectoryUser[]> {
    return this.withService(async (c) => {
      switch (this.opts.nested) {
        case 'in-chain':
          return this.searchUsers(c, eq(`memberOf:${IN_CHAIN}:`, group.dn));
        case 'memberof':
          return this.searchUsers(c, eq('memberOf', group.dn));
        case 'recursive':
          return this.walkMembers(c, group.dn);
      }
    });
  }

  /** Client-side expansion: breadth-first over `member`, visiting each DN once (so cycles terminate). */
  private async walkMembers(c: Client, groupDn: string): Promise<DirectoryUser[]> {
    const users = new Map<string, DirectoryUser>();
    const seen = new Set<string>([normaliseDn(groupDn)]);
    let frontier = [groupDn];
    while (frontier.length) {
      const next: string[] = [];
      for (const dn of frontier) {
        // A member DN may name an entry deleted since (no referential integrity): skip it, as the other strategies do.
        const e = await c
          .search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['member', ...this.userAttrs] })
          .then((r) => r.searchEntries[0], (err) => { if (err instanceof NoSuchObjectError) return undefined; throw err; });
        if (!e) continue;
        const members = list(e.member);
        if (members.length || list(e.objectClass).some((o) => /^group/i.test(o))) {
          for (const m of members) if (!seen.has(normaliseDn(m))) (seen.add(normaliseDn(m)), next.push(m));
        } else if (await this.enabled(c, e.dn)) {
          const u = this.toUser(e);
          if (u.id) users.set(u.id, u);
        }
      }
      frontier = next;
    }
    return [...users.values()];
  }

  async userGroups(user: DirectoryUser): Promise<DirectoryGroup[]> {
    return this.withService(async (c) => {
      const search = async (filter: string) =>
        (await c.search(this.opts.baseDn, { scope: 'sub', filter: `(&${this.opts.groupFilter}${filter})`, attributes: ['cn'] })).searchEntries.map((e) => ({ name: str(e.cn) ?? '', dn: e.dn }));
      if (this.opts.nested === 'in-chain') return search(eq(`member:${IN_CHAIN}:`, user.dn));
      if (this.opts.nested === 'memberof') {
        const { searchEntries } = await c.search(user.dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['memberOf'] });
        // dynlist computes memberOf transitively; a group's name is the value of its first RDN.
        return list(searchEntries[0]?.memberOf).map((dn) => ({ name: /^cn=([^,]+)/i.exec(dn)?.[1] ?? dn, dn }));
      }
      const groups = new Map<string, DirectoryGroup>();
      let frontier = [user.dn];
      while (frontier.length) {
        const found = await search(`(|${frontier.map((dn) => eq('member', dn)).join('')})`);
        frontier = [];
        for (const g of found) {
          const key = normaliseDn(g.dn);
          if (!groups.has(key)) (groups.set(key, g), frontier.push(g.dn));
        }
      }
      return [...groups.values()];
    });
  }

  /** One paged pass over users, groups, OUs and computers (RFC 2696 paged results, so any size of directory streams through). */
  async exportAll(): Promise<DirectoryExport> {
    return this.withService((c) => this.read(c, '(objectClass=*)'));
  }

  async changesSince(marker: string): Promise<DirectoryChanges> {
    if (!marker) return { ...(await this.exportAll()), disabled: [] };
    // uSNChanged is an integer (the marker itself was seen already); timestamps have one-second resolution, so
    // `>=` re-reads the marker's second rather than miss a change made within it: applying a change twice is harmless.
    const since = this.changeAttr === 'uSNChanged' ? `(uSNChanged>=${BigInt(marker) + 1n})` : `(${this.changeAttr}>=${escapeFilterValue(marker)})`;
    return this.withService(async (c) => {
      const changes = await this.read(c, since);
      // users changed into a disabled state: in the user filter, but not among the enabled ones just read
      const enabled = new Set(changes.users.map((u) => normaliseDn(u.dn)));
      const touched = (await c.search(this.opts.baseDn, { scope: 'sub', filter: `(&${this.opts.userFilter}${since})`, attributes: ['1.1'], paged: { pageSize: PAGE } })).searchEntries;
      const disabled = touched.map((e) => e.dn).filter((dn) => !enabled.has(normaliseDn(dn)));
      return { ...changes, disabled, marker: changes.marker || marker };
    });
  }

  private async read(c: Client, restrict: string): Promise<DirectoryExport> {
    const users = (await c.search(this.opts.baseDn, { scope: 'sub', filter: `(&${this.enabledUsers}${restrict})`, attributes: this.userAttrs, paged: { pageSize: PAGE } })).searchEntries;
    const groupEntries = (await c.search(this.opts.baseDn, { scope: 'sub', filter: `(&${this.opts.groupFilter}${restrict})`, attributes: ['cn', 'member', this.changeAttr], paged: { pageSize: PAGE } })).searchEntries;
    const ouEntries = (await c.search(this.opts.baseDn, { scope: 'sub', filter: `(&(objectClass=organizationalUnit)${restrict})`, attributes: ['ou', this.changeAttr], paged: { pageSize: PAGE } })).searchEntries;
    const computerEntries = await this.computerEntries(c, restrict);
    return {
      users: users.map((e) => this.toUser(e)).filter((u) => u.id),
      groups: (await Promise.all(groupEntries.map(async (e) => ({ name: str(e.cn) ?? '', dn: e.dn, members: await this.members(c, e) })))).filter((g) => g.name),
      ous: ouEntries.map((e) => ({ name: str(e.ou) ?? e.dn, dn: e.dn })),
      computers: computerEntries.map(toComputer).filter((x) => x.name),
      marker: this.highest([...users, ...groupEntries, ...ouEntries, ...computerEntries]),
    };
  }

  /** A group's member DNs, following AD's ranged retrieval for groups over its per-entry value limit. */
  private members(c: Client, e: Entry): Promise<string[]> {
    return rangedValues(e, 'member', async (range) => (await c.search(e.dn, { scope: 'base', filter: '(objectClass=*)', attributes: [range] })).searchEntries[0] ?? {});
  }

  private highest(entries: Entry[]): string {
    let best = '';
    for (const e of entries) {
      const v = str(e[this.changeAttr]);
      if (!v) continue;
      if (this.changeAttr === 'uSNChanged' ? !best || BigInt(v) > BigInt(best) : v > best) best = v;
    }
    return best;
  }

  async usersMatching(filter: string): Promise<DirectoryUser[]> {
    return this.withService((c) => this.searchUsers(c, filter));
  }

  /** For the client-side walk, which reads member entries by DN: is this entry an enabled user? */
  private async enabled(c: Client, dn: string): Promise<boolean> {
    if (!this.opts.disabledFilter) return true;
    const { searchEntries } = await c.search(dn, { scope: 'base', filter: this.enabledUsers, attributes: ['1.1'] });
    return searchEntries.length === 1;
  }

  async close(): Promise<void> {}
}
