import { z } from 'zod';

/** Names of the deployable services; `single-node` runs all of them in one process. */
export const SERVICE_NAMES = ['composer', 'directory', 'scheduler', 'delivery', 'gateway', 'audit'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csv = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/**
 * `authorGroup=target,target;authorGroup2=target`: members of an author group may send to the members of its
 * target groups (nested groups included). Parsed to a map; a malformed entry fails boot.
 */
const scopes = z.string().transform((v, ctx) => {
  const out: Record<string, string[]> = {};
  for (const entry of v.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(.*)$/.exec(entry);
    const targets = m ? m[2].split(',').map((s) => s.trim()).filter(Boolean) : [];
    if (!m || !m[1].trim() || !targets.length) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not authorGroup=group[,group...]` });
      return z.NEVER;
    }
    out[m[1].trim()] = [...(out[m[1].trim()] ?? []), ...targets];
  }
  return out;
});

/** Empty (no mail), or an smtp:/smtps: URL naming a host and nothing after it. */
function isSmtpUrl(v: string): boolean {
  if (!v) return true;
  try {
    const u = new URL(v);
    return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && !!u.hostname && (u.pathname === '' || u.pathname === '/') && !u.search;
  } catch {
    return false;
  }
}

/**
 * Every environment variable Herald reads, with its default. Validated once at boot: a bad value stops the
 * process with a message naming the variable. docs/configuration.md documents each one; a test checks that
 * docker-compose.yml and k8s/ name only variables that exist here.
 */
export const envSchema = z.object({
  HERALD_BUS: z.enum(['memory', 'rabbitmq']).default('memory'),
  AMQP_URL: z.string().url().default('amqp://guest:guest@127.0.0.1:5672'),
  BUS_NAMESPACE: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'lower-case letters, digits and dashes').default('herald'),
  AMQP_PREFETCH: int(1, 10_000).default(200),
  BUS_MAX_ATTEMPTS: int(1, 100).default(5),
  BUS_RETRY_DELAY_MS: int(0, 600_000).default(500),
  RPC_TIMEOUT_MS: int(100, 600_000).default(10_000),

  HERALD_STORE: z.enum(['sqlite', 'mongodb']).default('sqlite'),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').default('mongodb://127.0.0.1:27017'),
  MONGODB_DB_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default('herald_'),
  SQLITE_DIR: z.string().min(1).default('./data'),

  HERALD_DIRECTORY: z.enum(['ldif', 'ldap']).default('ldif'),
  DIRECTORY_LDIF: z.string().min(1).default('deploy/demo-directory.ldif'),
  LDAP_URL: z.string().regex(/^ldaps?:\/\//, 'must start with ldap:// or ldaps://').default('ldap://127.0.0.1:389'),
  LDAP_BIND_DN: z.string().default(''),
  LDAP_BIND_PASSWORD: z.string().default(''),
  LDAP_BASE_DN: z.string().default('dc=example,dc=com'),
  LDAP_USER_FILTER: z.string().default('(objectClass=inetOrgPerson)'),
  LDAP_GROUP_FILTER: z.string().default('(objectClass=groupOfNames)'),
  /** Computer objects (AD `computer`; OpenLDAP `device`), for computer audiences. */
  LDAP_COMPUTER_FILTER: z.string().regex(/^\(.*\)$/, 'must be an LDAP filter in parentheses').default('(|(objectClass=computer)(objectClass=device))'),
  LDAP_USERNAME_ATTR: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('uid'),
  LDAP_NESTED_GROUPS: z.enum(['in-chain', 'memberof', 'recursive']).default('recursive'),
  LDAP_TIMEOUT_MS: int(100, 120_000).default(5_000),
  LDAP_STARTTLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  LDAP_CA_FILE: z.string().default(''),
  LDAP_DISABLED_FILTER: z.string().default(''),
  LDAP_DISPLAY_NAME_ATTR: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('displayName'),
  LDAP_MAIL_ATTR: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('mail'),
  LDAP_DEPARTMENT_ATTR: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('departmentNumber'),
  LDAP_LOCATION_ATTR: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('l'),
  LDAP_MANAGER_ATTR: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('manager'),
  LDAP_PHONE_ATTR: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('telephoneNumber'),
  LDAP_CHANGE_ATTR: z.enum(['modifyTimestamp', 'whenChanged', 'uSNChanged']).default('modifyTimestamp'),
  DIRECTORY_SYNC_INTERVAL_SECONDS: int(10, 7 * 24 * 3600).default(3600),
  DIRECTORY_INCREMENTAL_SYNC_SECONDS: int(0, 24 * 3600).default(60),

  JWT_SECRET: z.string().default(''),
  JWT_TTL_SECONDS: int(60, 7 * 24 * 3600).default(15 * 60),
  REFRESH_TTL_SECONDS: int(60, 90 * 24 * 3600).default(8 * 3600),
  HERALD_ADMIN_GROUPS: csv.default(['herald-admins']),
  HERALD_AUTHOR_GROUPS: csv.default(['herald-authors']),
  HERALD_CRISIS_GROUPS: csv.default(['herald-crisis']),
  HERALD_AUDITOR_GROUPS: csv.default(['herald-auditors']),
  HERALD_AUTHOR_SCOPES: scopes.default({}),
  LOGIN_MAX_FAILURES: int(1, 1_000).default(5),
  LOGIN_MAX_FAILURES_PER_CLIENT: int(1, 100_000).default(50),
  LOGIN_LOCKOUT_SECONDS: int(1, 7 * 24 * 3600).default(15 * 60),

  AUDIT_SIGNING_KEY: z.string().default(''),
  AUDIT_CHECKPOINT_EVERY: int(1, 10_000_000).default(1_000),
  /** Days each event class (the action's first word: auth, alert, delivery, audit...) is kept; `*` for the rest. Empty: keep forever. */
  AUDIT_RETENTION_DAYS: z
    .string()
    .regex(/^([a-z*][a-z-]*=\d{1,6})?(,[a-z*][a-z-]*=\d{1,6})*$/, 'comma-separated class=days pairs, e.g. delivery=365,*=3650')
    .default('')
    .transform((v) => Object.fromEntries(v.split(',').filter(Boolean).map((p) => p.split('=')).map(([k, d]) => [k, Number(d)])) as Record<string, number>),
  AUDIT_AGGREGATE_ONLY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),

  HOST: z.string().default('0.0.0.0'),
  PORT: int(0, 65_535).default(3000),
  PUBLIC_URL: z.string().default(''),
  TRUST_PROXY: z.string().default(''),
  METRICS_TOKEN: z.string().default(''),
  /** Token of the inbound emergency webhook (panic buttons, monitoring); empty = webhook off. Never a JWT. */
  EMERGENCY_WEBHOOK_TOKEN: z.string().default(''),
  /** New firings one template may receive through the webhook per minute (all replicas together); replays do not count. */
  EMERGENCY_WEBHOOK_MAX_PER_MINUTE: int(1, 60).default(3),
  /** How long an Idempotency-Key of an emergency firing is remembered (a retry within it returns the same alert). */
  EMERGENCY_IDEMPOTENCY_HOURS: int(1, 30 * 24).default(24),
  /** Outgoing mail for escalations: smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps:// (TLS). Empty: no e-mail. */
  SMTP_URL: z.string().default('').refine(isSmtpUrl, 'must be smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port] (user and password URL-encoded)'),
  HERALD_MAIL_FROM: z.string().default(''),
  SMTP_REQUIRE_TLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  SMTP_CA_FILE: z.string().default(''),
  SMTP_TIMEOUT_MS: int(100, 300_000).default(10_000),
  SMTP_MAX_ATTEMPTS: int(1, 20).default(4),
  SMTP_RETRY_DELAY_MS: int(0, 600_000).default(2_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  RECEIPT_BATCH_MS: int(1, 60_000).default(100),
  RECEIPT_BATCH_SIZE: int(1, 100_000).default(500),
  FANOUT_CHUNK_SIZE: int(1, 100_000).default(1_000),
  ALERT_DEFAULT_VALIDITY_HOURS: int(1, 24 * 365).default(24),
  SUMMARY_REFRESH_MS: int(100, 60_000).default(500),
  /** How often delivery pushes the alerts held by recipients' do-not-disturb once it has ended. */
  DND_RELEASE_TICK_MS: int(100, 3_600_000).default(15_000),
  SCHEDULER_TICK_MS: int(50, 3_600_000).default(1_000),
  SCHEDULER_LEASE_MS: int(1_000, 3_600_000).default(60_000),
  SCHEDULER_MISSED_AFTER_MS: int(0, 86_400_000).default(60_000),
  SCHEDULER_MISSED_FIRINGS: z.enum(['fire-if-valid', 'skip']).default('fire-if-valid'),
  /** Finished scheduler jobs, their claims and ended schedules older than this are deleted by the purge job. */
  SCHEDULER_RETENTION_DAYS: int(1, 3_650).default(30),
  SCHEDULER_PURGE_INTERVAL_HOURS: int(1, 24 * 7).default(24),
  /** Computer and network-range audiences reach users whose client was seen there within this many minutes. */
  PRESENCE_WINDOW_MINUTES: int(1, 7 * 24 * 60).default(60),
  /** How often a gateway reports the sockets it still holds (keeps their presence fresh). */
  PRESENCE_HEARTBEAT_SECONDS: int(5, 3_600).default(300),
  /** Presence records not seen for this many days are purged. */
  PRESENCE_RETENTION_DAYS: int(1, 3_650).default(30),
});

export type Env = z.infer<typeof envSchema>;
export const ENV_KEYS = Object.keys(envSchema.shape) as (keyof Env)[];

/** Error thrown when the environment is invalid; its message lists every bad variable. */
export class ConfigError extends Error {}

/** Parses and validates `source` (defaults to process.env), applying `overrides` defaults first. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env, defaults: Partial<Record<keyof Env, string>> = {}): Env {
  const input: Record<string, string | undefined> = { ...defaults };
  for (const key of ENV_KEYS) if (source[key] !== undefined && source[key] !== '') input[key] = source[key];
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    // A URL's password (SMTP_URL, AMQP_URL, ...) is never echoed into logs.
    const shown = (v: string | undefined) => JSON.stringify(v?.replace(/\/\/([^:@/\s]+):([^@/\s]+)@/, '//$1:***@'));
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${shown(input[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.HERALD_BUS === 'rabbitmq' && !source.AMQP_URL && !defaults.AMQP_URL) problems.push('  AMQP_URL: required when HERALD_BUS=rabbitmq');
  if (env.HERALD_STORE === 'mongodb' && !source.MONGODB_URL && !defaults.MONGODB_URL) problems.push('  MONGODB_URL: required when HERALD_STORE=mongodb');
  if (env.HERALD_DIRECTORY === 'ldap' && !source.LDAP_URL && !defaults.LDAP_URL) problems.push('  LDAP_URL: required when HERALD_DIRECTORY=ldap');
  if (env.JWT_SECRET && env.JWT_SECRET.length < 32) problems.push('  JWT_SECRET: must be at least 32 characters');
  if (env.AUDIT_SIGNING_KEY && env.AUDIT_SIGNING_KEY.length < 32) problems.push('  AUDIT_SIGNING_KEY: must be at least 32 characters');
  if (env.METRICS_TOKEN && env.METRICS_TOKEN.length < 16) problems.push('  METRICS_TOKEN: must be at least 16 characters');
  if (env.EMERGENCY_WEBHOOK_TOKEN && env.EMERGENCY_WEBHOOK_TOKEN.length < 24) problems.push('  EMERGENCY_WEBHOOK_TOKEN: must be at least 24 characters');
  if (env.SMTP_URL && !/[^\s<>@]+@[^\s<>@]+/.test(env.HERALD_MAIL_FROM)) problems.push('  HERALD_MAIL_FROM: required with SMTP_URL: the sender address, e.g. "Herald <herald@example.com>"');
  if (env.PRESENCE_HEARTBEAT_SECONDS >= env.PRESENCE_WINDOW_MINUTES * 60) problems.push('  PRESENCE_HEARTBEAT_SECONDS: must be shorter than PRESENCE_WINDOW_MINUTES, or connected clients drop out of the window');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return env;
}
