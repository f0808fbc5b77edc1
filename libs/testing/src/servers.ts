import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The real servers integration tests talk to: started by deploy/ci/provision.sh, or named by the environment. */
export const servers = {
  amqpUrl: process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
  mongoUrl: process.env.MONGODB_URL || 'mongodb://127.0.0.1:27017',
  ldapUrl: process.env.LDAP_URL || 'ldap://127.0.0.1:3890',
  ldapBindDn: process.env.LDAP_BIND_DN || 'cn=admin,dc=example,dc=com',
  ldapBindPassword: process.env.LDAP_BIND_PASSWORD || 'admin',
  ldapBaseDn: process.env.LDAP_BASE_DN || 'dc=example,dc=com',
};

/** The repository root (holds package.json named "herald"), from source or compiled tests alike. */
export function repoRoot(): string {
  let dir = __dirname;
  while (dir !== dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'herald') return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root not found');
}

export const DEMO_LDIF = () => join(repoRoot(), 'deploy', 'demo-directory.ldif');

/** A name no other test run uses: for bus namespaces, databases and temp dirs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
