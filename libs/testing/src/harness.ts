import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, ServiceName } from '@herald/config';
import { repoRoot, servers, uniqueName } from './servers';
import { Router } from './herald-client';

/** A running Herald, however it was started, as a test sees it. */
export interface Harness {
  route: Router;
  gatewayUrl: string;
  close(): Promise<void>;
}

/** Which service owns which API prefix (the ingress table of docs/deployment.md). */
export const ROUTE_OWNERS: [string, ServiceName][] = [
  ['/api/auth', 'composer'],
  ['/api/alerts', 'composer'],
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

/** Distributed mode: one process per service, real RabbitMQ, MongoDB-compatible store and OpenLDAP. */
export async function startDistributed(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const ns = uniqueName('t');
  const env = {
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
    ...extraEnv,
  };
  const procs = new Map<ServiceName, Proc>();
  try {
    // Consumers first, so their queues exist before anyone publishes.
    for (const svc of ['directory', 'delivery', 'audit', 'scheduler', 'gateway', 'composer'] as const) procs.set(svc, await startProcess(svc, env));
  } catch (err) {
    await Promise.all([...procs.values()].map((p) => p.stop()));
    throw err;
  }
  const owner = (path: string) => ROUTE_OWNERS.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'gateway';
  return {
    route: (path) => procs.get(owner(path))!.url,
    gatewayUrl: procs.get('gateway')!.url,
    close: async () => {
      await Promise.all([...procs.values()].map((p) => p.stop()));
    },
  };
}

interface Proc {
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
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
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
