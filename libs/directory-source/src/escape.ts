/**
 * Escapes a value for use inside an LDAP search filter (RFC 4515 §3): `\ * ( )` and NUL become `\XX`, so user
 * input can never add wildcards or filter components. Non-ASCII text stays UTF-8, which RFC 4515 allows.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Builds `(attr=value)` with the value escaped; `attr` must be a plain attribute description (optionally with a matching rule). */
export function eq(attr: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*(:[0-9.]+:)?$/.test(attr)) throw new Error(`invalid attribute ${attr}`);
  return `(${attr}=${escapeFilterValue(value)})`;
}

/** AD's LDAP_MATCHING_RULE_IN_CHAIN: transitive membership evaluated by the server. */
export const IN_CHAIN = '1.2.840.113556.1.4.1941';
