import { DirectoryChanges, DirectoryExport, normaliseDn } from '@herald/directory-source';

/**
 * Applies an incremental change set to the export a snapshot was built from: changed users, groups, OUs and computers replace
 * their previous version (matched by normalised DN), users that became disabled are dropped. Pure: returns a new
 * export, so the snapshot being served is never modified under a reader.
 */
export function mergeChanges(base: DirectoryExport, changes: DirectoryChanges): DirectoryExport {
  const byDn = <T extends { dn: string }>(items: T[], updates: T[], drop: string[] = []): T[] => {
    const map = new Map(items.map((x) => [normaliseDn(x.dn), x]));
    for (const dn of drop) map.delete(normaliseDn(dn));
    for (const u of updates) map.set(normaliseDn(u.dn), u);
    return [...map.values()];
  };
  return {
    users: byDn(base.users, changes.users, changes.disabled),
    groups: byDn(base.groups, changes.groups),
    ous: byDn(base.ous, changes.ous),
    computers: byDn(base.computers ?? [], changes.computers ?? []),
    marker: changes.marker || base.marker,
  };
}
