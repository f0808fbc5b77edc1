/** One LDIF entry: its DN and attributes, attribute names lower-cased, values in file order. */
export interface LdifEntry {
  dn: string;
  attrs: Map<string, string[]>;
}

/** Parses LDIF content records (RFC 2849): comments, folded lines, base64 (`::`) values. No change records. */
export function parseLdif(text: string): LdifEntry[] {
  const unfolded = text.replace(/\r\n/g, '\n').replace(/\n /g, '');
  const entries: LdifEntry[] = [];
  for (const block of unfolded.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    if (!lines.length) continue;
    let dn = '';
    const attrs = new Map<string, string[]>();
    for (const line of lines) {
      const m = /^([A-Za-z0-9;.-]+)(::?)\s?(.*)$/.exec(line);
      if (!m) throw new Error(`LDIF: cannot parse line "${line}"`);
      const value = m[2] === '::' ? Buffer.from(m[3], 'base64').toString('utf8') : m[3];
      const name = m[1].toLowerCase();
      if (name === 'dn') dn = value;
      else attrs.set(name, [...(attrs.get(name) ?? []), value]);
    }
    if (!dn && [...attrs.keys()].every((k) => k === 'version')) continue; // `version: 1` header (ldapsearch -L)
    if (!dn) throw new Error('LDIF: entry without dn');
    entries.push({ dn, attrs });
  }
  return entries;
}

/** Canonical form for comparing DNs: case-insensitive, no spaces around separators. */
export function normaliseDn(dn: string): string {
  return dn.split(',').map((p) => p.trim().replace(/\s*=\s*/, '=')).join(',').toLowerCase();
}
