import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of a presented webhook token with the configured one. Both are hashed first, so the
 * comparison takes the same time whatever the lengths, and nothing about the expected token leaks through timing.
 */
export function webhookTokenMatches(expected: string, given: string | undefined): boolean {
  if (!expected || !given) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}
