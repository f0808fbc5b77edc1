import { ConfigError, Env } from '@herald/config';
import { localSecret } from '@herald/runtime';

/**
 * The HMAC key that signs checkpoints. Distributed mode (or any shared MongoDB store) needs it set, the same in
 * every audit replica and the CLI; single-node mode makes one on first start and keeps it under SQLITE_DIR.
 */
export function auditSigningKey(env: Env): string {
  if (env.AUDIT_SIGNING_KEY) return env.AUDIT_SIGNING_KEY;
  if (env.HERALD_BUS === 'rabbitmq' || env.HERALD_STORE === 'mongodb') {
    throw new ConfigError('Invalid configuration:\n  AUDIT_SIGNING_KEY: required in distributed mode (HERALD_BUS=rabbitmq or HERALD_STORE=mongodb), at least 32 characters shared by every audit replica');
  }
  return localSecret(env.SQLITE_DIR, 'audit-signing-key');
}
