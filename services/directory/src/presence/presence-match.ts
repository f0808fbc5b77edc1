import { Cidr, cidrMatcher } from '@herald/contracts';
import { DirectoryComputer } from '@herald/directory-source';

/** The part of a presence record that matching looks at. */
export interface Located {
  userId: string;
  host: string | null;
  address: string;
}

/**
 * Does a client that reported host name `host` (lower-cased) run on this computer? A fully qualified name must equal
 * the computer's DNS host name when the directory knows one (the same short name in another domain is another
 * machine); otherwise its first label, like a bare name, is compared with the computer's cn (AD keeps the NetBIOS
 * name there).
 */
export function runsOn(computer: DirectoryComputer, host: string): boolean {
  const dns = computer.dnsHostName?.toLowerCase();
  if (host.includes('.') && dns) return host === dns;
  return host.split('.')[0] === computer.name.toLowerCase() || host === dns;
}

/** The short host names under which these computers' presence records are filed (for the store query). */
export function shortNamesOf(computers: DirectoryComputer[]): string[] {
  return [...new Set(computers.flatMap((c) => [c.name.toLowerCase(), ...(c.dnsHostName ? [c.dnsHostName.toLowerCase().split('.')[0]] : [])]))];
}

/** Users among `records` whose client runs on one of `computers` (computers indexed by name: linear in records). */
export function usersOnComputers(records: Iterable<Located>, computers: DirectoryComputer[]): Set<string> {
  const byName = new Map<string, DirectoryComputer[]>();
  for (const c of computers) {
    for (const key of new Set([c.name.toLowerCase(), c.dnsHostName?.toLowerCase()])) if (key) byName.set(key, [...(byName.get(key) ?? []), c]);
  }
  const ids = new Set<string>();
  for (const { host, userId } of records) {
    if (!host) continue;
    const candidates = [...(byName.get(host) ?? []), ...(byName.get(host.split('.')[0]) ?? [])];
    if (candidates.some((c) => runsOn(c, host))) ids.add(userId);
  }
  return ids;
}

/** Users among `records` whose client connects from an address inside one of `ranges`. */
export function usersInNetworks(records: Iterable<Located>, ranges: Cidr[]): Set<string> {
  const inside = cidrMatcher(ranges);
  const ids = new Set<string>();
  for (const r of records) if (inside(r.address)) ids.add(r.userId);
  return ids;
}
