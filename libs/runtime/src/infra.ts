import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, Env, ServiceName } from '@herald/config';
import { Bus, BusOptions, MemoryBus, RabbitMqBus } from '@herald/messaging';
import { MongoStore, SqliteStore, Store } from '@herald/persistence';
import { DirectorySource, LdapDirectory, LdifDirectory, parseUserFilter } from '@herald/directory-source';
import { TokenService } from '@herald/auth';
import { JsonLogger } from '@herald/observability';

import { Clock, systemClock } from './clock';

/**
 * The adapters a process runs with, chosen from the environment at boot. Business code sees only the ports
 * (Bus, Store, DirectorySource); single-node and distributed mode differ here and nowhere else.
 */
export interface Infra {
  env: Env;
  bus: Bus;
  tokens: TokenService;
  clock: Clock;
  logger(service: string): JsonLogger;
  store(service: ServiceName): Promise<Store>;
  directory(): DirectorySource;
  /** Readiness: the bus is connected and every store this process opened answers. Names what is not ready. */
  readiness(): Promise<string[]>;
  close(): Promise<void>;
}

export const INFRA = Symbol('herald:infra');

export async function createInfra(env: Env, processName: string): Promise<Infra> {
  const log = new JsonLogger(processName, env.LOG_LEVEL);
  const busOpts: Partial<BusOptions> = { namespace: env.BUS_NAMESPACE, prefetch: env.AMQP_PREFETCH, maxAttempts: env.BUS_MAX_ATTEMPTS, retryDelayMs: env.BUS_RETRY_DELAY_MS, rpcTimeoutMs: env.RPC_TIMEOUT_MS };
  let bus: Bus;
  if (env.HERALD_BUS === 'rabbitmq') {
    const rabbit = new RabbitMqBus(env.AMQP_URL, busOpts, (level, msg, extra) => log.write(level, msg, extra));
    try {
      await rabbit.connect();
    } catch (err) {
      throw new ConfigError(`AMQP_URL: cannot connect to RabbitMQ at ${redact(env.AMQP_URL)}: ${(err as Error).message}`);
    }
    bus = rabbit;
  } else {
    bus = new MemoryBus(busOpts, (msg, extra) => log.write('error', msg, extra));
  }

  const stores = new Map<ServiceName, Promise<Store>>();
  const openStore = async (service: ServiceName): Promise<Store> => {
    if (env.HERALD_STORE === 'sqlite') return SqliteStore.forService(env.SQLITE_DIR, service);
    try {
      return await MongoStore.connect(env.MONGODB_URL, `${env.MONGODB_DB_PREFIX}${service}`);
    } catch (err) {
      throw new ConfigError(`MONGODB_URL: cannot connect to ${redact(env.MONGODB_URL)}: ${(err as Error).message}`);
    }
  };

  checkLdapFilters(env);
  // Read by delivery's mailer when it starts; a missing file must stop the boot here, with the variable's name.
  if (env.SMTP_CA_FILE && !existsSync(env.SMTP_CA_FILE)) throw new ConfigError(`SMTP_CA_FILE: file not found: ${env.SMTP_CA_FILE}`);
  let directory: DirectorySource | undefined;
  const makeDirectory = (): DirectorySource => {
    if (env.HERALD_DIRECTORY === 'ldif') {
      if (!existsSync(env.DIRECTORY_LDIF)) throw new ConfigError(`DIRECTORY_LDIF: file not found: ${env.DIRECTORY_LDIF}`);
      return LdifDirectory.fromFile(env.DIRECTORY_LDIF);
    }
    return new LdapDirectory({
      url: env.LDAP_URL,
      bindDn: env.LDAP_BIND_DN,
      bindPassword: env.LDAP_BIND_PASSWORD,
      baseDn: env.LDAP_BASE_DN,
      userFilter: env.LDAP_USER_FILTER,
      groupFilter: env.LDAP_GROUP_FILTER,
      computerFilter: env.LDAP_COMPUTER_FILTER,
      usernameAttr: env.LDAP_USERNAME_ATTR,
      nested: env.LDAP_NESTED_GROUPS,
      timeoutMs: env.LDAP_TIMEOUT_MS,
      disabledFilter: env.LDAP_DISABLED_FILTER,
      changeAttr: env.LDAP_CHANGE_ATTR,
      startTls: env.LDAP_STARTTLS,
      ca: readCa(env.LDAP_CA_FILE),
      attributes: { displayName: env.LDAP_DISPLAY_NAME_ATTR, mail: env.LDAP_MAIL_ATTR, department: env.LDAP_DEPARTMENT_ATTR, location: env.LDAP_LOCATION_ATTR, manager: env.LDAP_MANAGER_ATTR, phone: env.LDAP_PHONE_ATTR },
    });
  };

  return {
    env,
    bus,
    tokens: new TokenService(jwtSecret(env), env.JWT_TTL_SECONDS),
    clock: systemClock,
    logger: (service) => new JsonLogger(service, env.LOG_LEVEL),
    store: (service) => {
      if (!stores.has(service)) stores.set(service, openStore(service));
      return stores.get(service)!;
    },
    directory: () => (directory ??= makeDirectory()),
    readiness: async () => {
      const problems = bus.healthy() ? [] : ['bus: not connected'];
      for (const [service, store] of stores) {
        await store.then((s) => s.ping()).catch((err: Error) => problems.push(`store ${service}: ${err.message}`));
      }
      return problems;
    },
    close: async () => {
      await bus.close();
      for (const s of stores.values()) await (await s.catch(() => null))?.close();
      await directory?.close();
    },
  };
}

/** Distributed mode needs a shared secret; single-node mode makes one on first start and keeps it under SQLITE_DIR. */
function jwtSecret(env: Env): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  if (env.HERALD_BUS === 'rabbitmq') throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required in distributed mode (HERALD_BUS=rabbitmq), at least 32 characters shared by all services');
  return localSecret(env.SQLITE_DIR, 'jwt-secret');
}

/** A random secret made on first use and kept in `dir/name` (mode 0600): single-node mode's stand-in for a configured one. */
export function localSecret(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** LDAP filters from the environment must parse: a typo would otherwise silently select nobody (or everybody). */
function checkLdapFilters(env: Env): void {
  if (env.HERALD_DIRECTORY !== 'ldap') return;
  for (const key of ['LDAP_USER_FILTER', 'LDAP_GROUP_FILTER', 'LDAP_COMPUTER_FILTER', 'LDAP_DISABLED_FILTER'] as const) {
    if (!env[key]) continue;
    try {
      parseUserFilter(env[key]);
    } catch (err) {
      throw new ConfigError(`Invalid configuration:\n  ${key}: ${(err as Error).message} (got ${JSON.stringify(env[key])})`);
    }
  }
}

/** The CA bundle for LDAPS / StartTLS, read once at boot; a missing file stops the process with a clear message. */
function readCa(file: string): string | undefined {
  if (!file) return undefined;
  if (!existsSync(file)) throw new ConfigError(`LDAP_CA_FILE: file not found: ${file}`);
  return readFileSync(file, 'utf8');
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
