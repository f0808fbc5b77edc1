import { createHash, timingSafeEqual } from 'node:crypto';

/** Checks a password against an LDAP userPassword value: {SSHA}, {SHA} or (demo only) clear text. */
export function verifyPassword(password: string, stored: string): boolean {
  const m = /^\{([A-Z0-9-]+)\}(.*)$/i.exec(stored);
  if (!m) return safeEqual(Buffer.from(password), Buffer.from(stored));
  const scheme = m[1].toUpperCase();
  const raw = Buffer.from(m[2], 'base64');
  if (scheme === 'SSHA') {
    const digest = raw.subarray(0, 20);
    const salt = raw.subarray(20);
    return safeEqual(createHash('sha1').update(password).update(salt).digest(), digest);
  }
  if (scheme === 'SHA') return safeEqual(createHash('sha1').update(password).digest(), raw);
  return false;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
