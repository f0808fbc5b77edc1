import type { IncomingMessage } from 'node:http';
import { normaliseAddress } from '@herald/contracts';

/** Express's compiled TRUST_PROXY setting: is the hop at `address`, `i` hops from us, a proxy we trust? */
export type TrustProxy = (address: string, i: number) => boolean;

/**
 * The address a socket's client connects from. Walks back from the peer through X-Forwarded-For only while each hop
 * is a trusted proxy (TRUST_PROXY, the same setting and semantics as the HTTP API's), so a client cannot choose its
 * address by sending the header itself. IPv4-mapped IPv6 (`::ffff:10.1.2.3`) is reported as IPv4.
 */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const peer = req.socket.remoteAddress ?? '';
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((s) => s.trim()).filter(Boolean).reverse();
  const hops = [peer, ...forwarded];
  let i = 0;
  while (i < hops.length - 1 && trust(hops[i], i)) i++;
  return normaliseAddress(hops[i]);
}
