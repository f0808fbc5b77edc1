/**
 * Active Directory returns at most MaxValRange (1,500 by default) values of a multi-valued attribute per search
 * entry: a big group's members come back as `member;range=0-1499`, and the rest must be asked for with
 * `member;range=1500-*`, and so on until a range ends in `*`. Without this, groups over 1,500 members would look
 * truncated or empty. `fetch` reads one further range of the same entry (its attributes as returned).
 */
export async function rangedValues(
  attrs: Record<string, unknown>,
  name: string,
  fetch: (range: string) => Promise<Record<string, unknown>>,
): Promise<string[]> {
  const plain = pick(attrs, name);
  if (plain) return plain.values;
  let current = findRange(attrs, name);
  const out: string[] = [];
  for (let guard = 0; current && guard < 10_000; guard++) {
    out.push(...current.values);
    if (current.end === '*') return out;
    const next = Number(current.end) + 1;
    current = findRange(await fetch(`${name};range=${next}-*`), name);
  }
  return out;
}

const asList = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x))));

function pick(attrs: Record<string, unknown>, name: string): { values: string[] } | null {
  const key = Object.keys(attrs).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? { values: asList(attrs[key]) } : null;
}

function findRange(attrs: Record<string, unknown>, name: string): { values: string[]; end: string } | null {
  const prefix = `${name.toLowerCase()};range=`;
  for (const [k, v] of Object.entries(attrs)) {
    const m = k.toLowerCase().startsWith(prefix) ? /^\d+-(\d+|\*)$/.exec(k.slice(prefix.length)) : null;
    if (m) return { values: asList(v), end: m[1] };
  }
  return null;
}
