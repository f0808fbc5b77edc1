import { isIP } from 'node:net';

/** A parsed network range: the address family, the network bits as a bigint, and the prefix length. */
export interface Cidr {
  family: 4 | 6;
  network: bigint;
  prefix: number;
  /** Canonical text (`10.1.0.0/16`), host bits cleared. */
  text: string;
}

const WIDTH = { 4: 32, 6: 128 } as const;

/** An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, as dual-stack sockets report IPv4 peers) becomes plain IPv4. */
export function normaliseAddress(address: string): string {
  const a = address.trim().replace(/%.*$/, ''); // a zone index (`fe80::1%eth0`) names an interface, not a network
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1] : a;
}

function toBigInt(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
  let text = address.toLowerCase();
  // an embedded IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) becomes two hextets
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = toBigInt(tail[1], 4);
    text = `${text.slice(0, -tail[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest === undefined ? [] : rest ? rest.split(':') : [];
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An address as (family, number), or null when it is no IP address. */
export function parseAddress(address: string): { family: 4 | 6; value: bigint } | null {
  const a = normaliseAddress(address);
  const family = isIP(a);
  if (family !== 4 && family !== 6) return null;
  return { family, value: toBigInt(a, family) };
}

/** Parses `10.1.0.0/16`, `2001:db8::/32` or a bare address (a /32 or /128). Throws an Error saying why on bad input. */
export function parseCidr(input: string): Cidr {
  const [addr, bits, extra] = input.trim().split('/');
  if (extra !== undefined) throw new Error(`"${input}" is not a network range (one "/" at most)`);
  const ip = parseAddress(addr);
  if (!ip || addr.includes('%')) throw new Error(`"${input}" is not an IPv4 or IPv6 network range (e.g. 10.1.0.0/16, 2001:db8::/32)`);
  const width = WIDTH[ip.family];
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) throw new Error(`"${input}": the prefix length must be a number`);
  const prefix = bits === undefined ? width : Number(bits);
  if (prefix > width) throw new Error(`"${input}": an IPv${ip.family} prefix length is at most ${width}`);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  const network = ip.value & mask;
  return { family: ip.family, network, prefix, text: `${format(network, ip.family)}/${prefix}` };
}

function format(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((value >> s) & 0xffffn).toString(16));
  // compress the longest run of zero groups (RFC 5952)
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

/** True when `address` lies in `range`. An IPv4 client matches IPv4 ranges also when reported as `::ffff:a.b.c.d`. */
export function cidrContains(range: Cidr, address: string): boolean {
  return cidrMatcher([range])(address);
}

/**
 * A test for "is this address in any of these ranges", for matching many addresses: ranges are grouped by family
 * and prefix length, so each address costs one parse and one set lookup per distinct prefix length.
 */
export function cidrMatcher(ranges: Cidr[]): (address: string) => boolean {
  const byPrefix = new Map<string, { family: 4 | 6; shift: bigint; networks: Set<bigint> }>();
  for (const r of ranges) {
    const key = `${r.family}/${r.prefix}`;
    const shift = BigInt(WIDTH[r.family] - r.prefix);
    const group = byPrefix.get(key) ?? { family: r.family, shift, networks: new Set<bigint>() };
    group.networks.add(r.network >> shift);
    byPrefix.set(key, group);
  }
  const groups = [...byPrefix.values()];
  return (address) => {
    const ip = parseAddress(address);
    return !!ip && groups.some((g) => g.family === ip.family && g.networks.has(ip.value >> g.shift));
  };
}
