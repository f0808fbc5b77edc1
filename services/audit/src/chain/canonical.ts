import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Canonical serialisation: JSON with object keys sorted at every depth and `undefined` members dropped, so the
 * same record hashes alike whichever store returned it (MongoDB keeps insertion order, SQLite's json() may not).
 */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const hmac = (key: string, text: string): string => createHmac('sha256', key).update(text).digest('hex');

/** Constant-time comparison of two hex MACs. */
export function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
