import { Filter, FilterParser } from 'ldapts';

/** Thrown when an expert's raw LDAP filter does not parse or uses something we refuse. */
export class InvalidFilterError extends Error {}

const MAX_FILTER = 4_096;

/**
 * Parses a raw LDAP filter typed by an expert (RFC 4515) and returns it re-serialised from the parse tree, so what
 * reaches the server is exactly what was validated: unbalanced parentheses, trailing text, several top-level
 * filters and NUL bytes are refused; values keep their escapes. The result is always ANDed with the user filter by
 * the adapter, so a raw filter can narrow the set of users but never reach beyond it.
 */
export function parseUserFilter(raw: string): { filter: Filter; text: string } {
  if (!raw.trim()) throw new InvalidFilterError('filter is empty');
  if (raw.length > MAX_FILTER) throw new InvalidFilterError(`filter is longer than ${MAX_FILTER} characters`);
  if (/[\u0000-\u001f]/.test(raw)) throw new InvalidFilterError('filter contains control characters (write \\00 for a NUL byte)');
  const trimmed = raw.trim();
  if (!trimmed.startsWith('(') || !trimmed.endsWith(')')) throw new InvalidFilterError('filter must be one parenthesised expression, e.g. (departmentNumber=Sales)');
  let filter: Filter;
  try {
    filter = FilterParser.parseString(trimmed);
  } catch (err) {
    throw new InvalidFilterError(`filter does not parse: ${(err as Error).message}`);
  }
  return { filter, text: filter.toString() };
}
