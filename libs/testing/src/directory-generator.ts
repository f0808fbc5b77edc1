import { readFileSync, writeFileSync } from 'node:fs';
import { DEMO_LDIF } from './servers';

/**
 * Generates a synthetic directory for scale and correctness tests: users spread over a tree of OUs, groups nested
 * up to `depth` levels below `all-staff`, some disabled accounts (`employeeType: disabled`), one membership cycle,
 * names with DN specials and unicode. Deterministic for a given size. The returned model lets a test compute
 * expected audiences independently of the code under test.
 */
export interface GeneratedUser {
  uid: string;
  dn: string;
  ou: string;
  department: string;
  disabled: boolean;
  /** uid of their manager (directory `manager` attribute), with `managerSpan`. */
  manager?: string;
}

export interface GeneratedGroup {
  cn: string;
  dn: string;
  /** Direct member DNs (users and groups). */
  members: string[];
}

export interface GeneratedDirectory {
  base: string;
  ous: string[];
  users: GeneratedUser[];
  groups: GeneratedGroup[];
  /** Entries in load order (parents first), attribute values as strings. */
  entries: { dn: string; attrs: Record<string, string | string[]> }[];
}

export interface GeneratorOptions {
  /** Container DN everything goes under; must exist or be `dc=...` suffix handled by the caller. */
  base: string;
  prefix: string;
  users: number;
  groups: number;
  depth: number;
  regions?: number;
  teamsPerRegion?: number;
  /** Password stored for every user (clear text: slapd hashes nothing, fine for tests). Omit for none. */
  password?: string;
  /** Users in consecutive blocks of this size, the first of each block the manager of the others. Omit for no managers. */
  managerSpan?: number;
}

export const DISABLED_FILTER = '(employeeType=disabled)';
const DEPARTMENTS = ['Sales', 'Engineering', 'Operations', 'Finance', 'Legal', 'Support', 'Marketing'];

export function generateDirectory(o: GeneratorOptions): GeneratedDirectory {
  const regions = o.regions ?? 4;
  const teams = o.teamsPerRegion ?? 3;
  const entries: GeneratedDirectory['entries'] = [];
  const ous: string[] = [];
  const ou = (dn: string, name: string) => (ous.push(dn), entries.push({ dn, attrs: { objectClass: 'organizationalUnit', ou: name } }));
  ou(`ou=groups,${o.base}`, 'groups');
  for (let r = 0; r < regions; r++) {
    ou(`ou=region-${r},${o.base}`, `region-${r}`);
    for (let t = 0; t < teams; t++) ou(`ou=team-${t},ou=region-${r},${o.base}`, `team-${t}`);
  }

  const users: GeneratedUser[] = [];
  for (let i = 0; i < o.users; i++) {
    const r = i % regions;
    const t = Math.floor(i / regions) % teams;
    const uid = `${o.prefix}u${i}`;
    const container = `ou=team-${t},ou=region-${r},${o.base}`;
    const dn = `uid=${uid},${container}`;
    const department = DEPARTMENTS[i % DEPARTMENTS.length];
    const disabled = i % 97 === 5;
    // a few display names carry unicode and DN/filter specials, which must survive sync and search untouched
    const cn = i % 101 === 3 ? `Zoë Ångström-${i} (contractor), *R&D*` : `User ${i}`;
    const boss = o.managerSpan && i % o.managerSpan ? users[i - (i % o.managerSpan)] : undefined;
    users.push({ uid, dn, ou: container, department, disabled, ...(boss ? { manager: boss.uid } : {}) });
    entries.push({
      dn,
      attrs: {
        objectClass: 'inetOrgPerson',
        uid,
        cn,
        sn: `S${i}`,
        displayName: cn,
        mail: `${uid}@bigcorp.test`,
        departmentNumber: department,
        ...(boss ? { manager: boss.dn } : {}),
        ...(disabled ? { employeeType: 'disabled' } : {}),
        ...(o.password ? { userPassword: o.password } : {}),
      },
    });
  }

  // Groups: g0 = all-staff; group g > 0 hangs under parent floor((g-1)/b), with b the smallest branching factor
  // that fits every group within `depth` levels below all-staff.
  let b = 1;
  while (levels(b, o.depth) < o.groups) b++;
  const groups: GeneratedGroup[] = [];
  for (let g = 0; g < o.groups; g++) {
    const cn = g === 0 ? `${o.prefix}all-staff` : `${o.prefix}g${g}`;
    groups.push({ cn, dn: `cn=${cn},ou=groups,${o.base}`, members: [] });
  }
  for (let g = 1; g < o.groups; g++) groups[Math.floor((g - 1) / b)].members.push(groups[g].dn);
  // users: each directly in one leaf-ish group; every 10th also in a second group
  const holders = o.groups > 1 ? o.groups - 1 : 1;
  users.forEach((u, i) => {
    const g = o.groups > 1 ? 1 + (i % holders) : 0;
    groups[g].members.push(u.dn);
    const second = groups[1 + ((i * 7) % holders)];
    if (i % 10 === 0 && o.groups > 2 && !second.members.includes(u.dn)) second.members.push(u.dn);
  });
  // a cycle: the last group contains the first level-1 group (its ancestor)
  if (o.groups > 2) groups[o.groups - 1].members.push(groups[1].dn);
  for (const g of groups) {
    if (!g.members.length) g.members.push(users[0]?.dn ?? `cn=nobody,${o.base}`);
    entries.push({ dn: g.dn, attrs: { objectClass: 'groupOfNames', cn: g.cn, member: g.members } });
  }
  return { base: o.base, ous, users, groups, entries };
}

function levels(b: number, depth: number): number {
  let total = 0;
  for (let k = 0, n = 1; k <= depth; k++, n *= b) total += n;
  return total;
}

/** LDIF text of the generated entries (for slapadd / ldapadd). */
export function toLdif(d: GeneratedDirectory): string {
  const out: string[] = [];
  for (const e of d.entries) {
    out.push(`dn: ${e.dn}`);
    for (const [k, v] of Object.entries(e.attrs)) for (const x of Array.isArray(v) ? v : [v]) out.push(/^[\x20-\x7e]*$/.test(x) && !/^[ :<]/.test(x) ? `${k}: ${x}` : `${k}:: ${Buffer.from(x).toString('base64')}`);
    out.push('');
  }
  return out.join('\n');
}

/**
 * Independent reference for a group's enabled members: fixed-point iteration over the whole membership graph
 * (not the walk the code under test uses), so cycles and shared subgroups are handled by construction.
 */
export function expectedGroupMembers(d: GeneratedDirectory, cn: string): Set<string> {
  const userByDn = new Map(d.users.filter((u) => !u.disabled).map((u) => [u.dn.toLowerCase(), u.uid]));
  const byDn = new Map(d.groups.map((g) => [g.dn.toLowerCase(), g]));
  const members = new Map(d.groups.map((g) => [g.dn.toLowerCase(), new Set<string>()]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of d.groups) {
      const set = members.get(g.dn.toLowerCase())!;
      const before = set.size;
      for (const m of g.members) {
        const key = m.toLowerCase();
        if (userByDn.has(key)) set.add(userByDn.get(key)!);
        if (byDn.has(key)) for (const x of members.get(key)!) set.add(x);
      }
      if (set.size !== before) changed = true;
    }
  }
  return members.get(d.groups.find((g) => g.cn === cn)!.dn.toLowerCase())!;
}

/**
 * A single-node LDIF directory: the demo's people (roles included) plus `d`, generated under the organizational
 * unit `d.base` (which must be `ou=<name>,dc=example,dc=com`). Written to `file`; returns it.
 */
export function writeDemoLdifWith(d: GeneratedDirectory, file: string): string {
  const ou = /^ou=([^,]+),dc=example,dc=com$/.exec(d.base)?.[1];
  if (!ou) throw new Error(`writeDemoLdifWith: base must be ou=<name>,dc=example,dc=com (got ${d.base})`);
  writeFileSync(file, `${readFileSync(DEMO_LDIF(), 'utf8')}\ndn: ${d.base}\nobjectClass: organizationalUnit\nou: ${ou}\n\n${toLdif(d)}`);
  return file;
}
