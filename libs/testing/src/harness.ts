import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, ServiceName } from '@herald/config';
import { repoRoot, servers, uniqueName } from './servers';
import { Router } from './herald-client';

/** The scrape token test processes run with (GET /metrics needs it). */
export const METRICS_TOKEN = 'test-metrics-token-0123456789';

/** A running Herald, however it was started, as a test sees it. */
export interface Harness {
  route: Router;
  gatewayUrl: string;
  close(): Promise<void>;
}

/** Distributed mode can also start more instances of a service (a second gateway), stopped with the rest. */
export interface DistributedHarness extends Harness {
  startAnother(name: ServiceName): Promise<Proc>;
}

/** Which service owns which API prefix (the ingress table of docs/deployment.md). */
export const ROUTE_OWNERS: [string, ServiceName][] = [
  ['/api/auth', 'composer'],
  ['/api/alerts', 'composer'],
  ['/api/templates', 'composer'],
  ['/api/emergency', 'composer'],
  ['/api/me', 'composer'],
  ['/api/audit', 'audit'],
  ['/api/directory', 'directory'],
  ['/api/audiences', 'directory'],
  ['/api/schedules', 'scheduler'],
];

/** Single-node mode as `npm start` runs it, as a child process on a free port with its own data directory. */
export async function startSingleNode(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-sn-'));
  const proc = await startProcess('single-node', { SQLITE_DIR: dataDir, DIRECTORY_LDIF: join(repoRoot(), 'deploy', 'demo-directory.ldif'), ...extraEnv });
  return {
    route: () => proc.url,
    gatewayUrl: proc.url,
    close: async () => {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The environment of a distributed-mode process on the test servers, isolated by bus namespace and database prefix `ns`. */
export function distributedEnv(ns: string): Record<string, string> {
  return {
    HERALD_BUS: 'rabbitmq',
    AMQP_URL: servers.amqpUrl,
    BUS_NAMESPACE: ns,
    HERALD_STORE: 'mongodb',
    MONGODB_URL: servers.mongoUrl,
    MONGODB_DB_PREFIX: `${ns.replace(/-/g, '_')}_`,
    HERALD_DIRECTORY: 'ldap',
    LDAP_URL: servers.ldapUrl,
    LDAP_BIND_DN: servers.ldapBindDn,
    LDAP_BIND_PASSWORD: servers.ldapBindPassword,
    LDAP_BASE_DN: servers.ldapBaseDn,
    LDAP_NESTED_GROUPS: 'memberof',
    JWT_SECRET: `test-secret-${ns}-0123456789abcdefghijklmnop`,
    AUDIT_SIGNING_KEY: `test-audit-key-${ns}-0123456789abcdefghijklmnop`,
  };
}

/**
 * Distributed mode: one process per service, real RabbitMQ, MongoDB-compatible store and OpenLDAP. `serviceEnv`
 * overrides variables for one service only (e.g. a gateway reaching the broker through a TcpSwitch).
 */
export async function startDistributed(extraEnv: Record<string, string> = {}, serviceEnv: Partial<Record<ServiceName, Record<string, string>>> = {}): Promise<DistributedHarness> {
  const env = { ...distributedEnv(uniqueName('t')), ...extraEnv };
  const procs = new Map<ServiceName, Proc>();
  const extra: Proc[] = [];
  try {
    // Consumers first, so their queues exist before anyone publishes.
    for (const svc of ['directory', 'delivery', 'audit', 'scheduler', 'gateway', 'composer'] as const) procs.set(svc, await startProcess(svc, { ...env, ...serviceEnv[svc] }));
  } catch (err) {
    await Promise.all([...procs.values()].map((p) => p.stop()));
    throw err;
  }
  const owner = (path: string) => ROUTE_OWNERS.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'gateway';
  return {
    route: (path) => procs.get(owner(path))!.url,
    gatewayUrl: procs.get('gateway')!.url,
    startAnother: async (name) => {
      const p = await startProcess(name, env);
      extra.push(p);
      return p;
    },
    close: async () => {
      await Promise.all([...procs.values(), ...extra].map((p) => p.stop()));
    },
  };
}

export interface Proc {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `dist/services/<name>/src/main.js` on a free port and resolves once it logs that it is listening. */
export async function startProcess(name: ServiceName | 'single-node', env: Record<string, string>): Promise<Proc> {
  if (name !== 'single-node' && !SERVICE_NAMES.includes(name)) throw new Error(`unknown service ${name}`);
  const child = spawn(process.execPath, [join(repoRoot(), 'dist', 'services', name, 'src', 'main.js')], {
    cwd: repoRoot(),
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', METRICS_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code}:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
