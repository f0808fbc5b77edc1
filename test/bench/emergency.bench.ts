import { execFileSync, spawn } from 'node:child_process';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import WebSocket from 'ws';
import { TokenService } from '@herald/auth';
import { ClientAlert } from '@herald/contracts';
import { DEMO, eventually, generateDirectory, Harness, login, Recipient, repoRoot, sendAlert, startDistributed, startSingleNode, uniqueName, writeDemoLdifWith } from '@herald/testing';
import { BIG } from './generate-directory';

/**
 * Time from `POST /api/emergency` to the last of N connected Socket.IO clients receiving the alert (p50/p99/max),
 * beside a raw `ws` broadcast of the same kind of payload to N plain WebSocket clients measured in the same run
 * (the floor: a server process with no bus, no store, no audience, no Socket.IO).
 *   npm run bench -- emergency [N=500]                       single-node (one process, in-process bus, SQLite)
 *   npm run bench -- emergency distributed [N...=1000 10000] one process per service, RabbitMQ, FerretDB, and the
 *                                                            100k-user slapd on :3891 (deploy/ci/start-bigldap.sh)
 */
const BASE = 'ou=crowd,dc=example,dc=com';
const CONNECT_BATCH = 100;
const SETTLE_BATCH = 1_000;

type Stats = { p50: number; p99: number; max: number };
function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}
const fmt = (x: Stats) => `p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms, max ${x.max.toFixed(1)} ms`;

/** Connects one client per token, CONNECT_BATCH at a time. */
async function connectAll(gatewayUrl: string, tokens: string[]): Promise<Recipient[]> {
  const sockets: Recipient[] = [];
  for (let i = 0; i < tokens.length; i += CONNECT_BATCH) sockets.push(...(await Promise.all(tokens.slice(i, i + CONNECT_BATCH).map((t) => Recipient.connect(gatewayUrl, t)))));
  return sockets;
}

interface Staff {
  admin: string;
  crisis: string;
  /** Someone outside the crowd, connected after each batch to tell when the batch's connections have been served. */
  probe: { userId: string; token: string };
}

/**
 * Connects a client per token, SETTLE_BATCH at a time, waiting after each batch until its connections have been
 * served: every connect asks delivery for that user's pending alerts (a query FerretDB v1 answers by scanning the
 * deliveries), and an emergency fired during that storm would measure the storm. The probe, who has one alert
 * pending, reconnects after each batch; once it has received that alert, the requests ahead of its own are done.
 */
async function connectSettled(h: Harness, tokens: string[], staff: Staff): Promise<Recipient[]> {
  const started = performance.now();
  const pending = await sendAlert(h.route, staff.admin, { title: 'Settle', body: '<p>Connected.</p>', severity: 'info', audience: { users: [staff.probe.userId], groups: [] } });
  const sockets: Recipient[] = [];
  for (let i = 0; i < tokens.length; i += SETTLE_BATCH) {
    sockets.push(...(await connectAll(h.gatewayUrl, tokens.slice(i, i + SETTLE_BATCH))));
    const probe = await Recipient.connect(h.gatewayUrl, staff.probe.token);
    await eventually(() => probe.alerts.some((a) => a.alertId === pending.id), 300_000, "the probe's pending alert (the crowd's connections served)");
    probe.close();
  }
  console.log(`N=${tokens.length}  connected and served in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return sockets;
}

/**
 * Connects a client per token, fires a crisis template for them and returns each client's arrival time of that
 * emergency after the request was sent. Arrivals are matched by alert id: a reconnecting client may first get older
 * alerts still pending for it.
 */
async function fireAndTime(h: Harness, tokens: string[], audience: Record<string, unknown>, staff: Staff): Promise<number[]> {
  const sockets = await connectSettled(h, tokens, staff);
  try {
    const arrivals: { alertId: string; at: number }[] = [];
    for (const s of sockets) s.socket.on('alert', (a: ClientAlert) => arrivals.push({ alertId: a.alertId, at: performance.now() }));
    const t = (await request(h.route('/api/templates')).post('/api/templates').set('authorization', `Bearer ${staff.admin}`).send({ name: `Bench ${tokens.length}`, title: 'Evacuate', body: '<p>Now.</p>', audience }).expect(201)).body;
    const t0 = performance.now();
    const fired = (await request(h.route('/api/emergency')).post('/api/emergency').set('authorization', `Bearer ${staff.crisis}`).send({ templateId: t.id }).expect(202)).body;
    const mine = () => arrivals.filter((a) => a.alertId === fired.id);
    await eventually(() => mine().length === tokens.length, 300_000, 'every client to receive the emergency');
    return mine().map((a) => a.at - t0);
  } finally {
    sockets.forEach((s) => s.close());
  }
}

async function singleNode(n: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const crowd = generateDirectory({ base: BASE, prefix: 'crowd-', users: n, groups: 3, depth: 1, regions: 1, teamsPerRegion: 1, password: DEMO.password });
  const h = await startSingleNode({ DIRECTORY_LDIF: writeDemoLdifWith(crowd, join(dir, 'directory.ldif')) });
  try {
    const [admin, crisis, outsider] = await Promise.all([login(h.route, DEMO.admin), login(h.route, DEMO.crisis), login(h.route, DEMO.outsider)]);
    const tokens: string[] = [];
    for (const u of crowd.users) tokens.push(await login(h.route, u.uid));
    return await fireAndTime(h, tokens, { groups: ['crowd-all-staff'] }, { admin, crisis, probe: { userId: DEMO.outsider, token: outsider } });
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every service in its own process over RabbitMQ; recipients are the first users of the 100k directory. */
async function distributed(sizes: number[], measure: (label: string, n: number, times: number[]) => void): Promise<void> {
  execFileSync('bash', [join(repoRoot(), 'deploy/ci/start-bigldap.sh')], { stdio: 'inherit' });
  const secret = `bench-${uniqueName('s')}-0123456789abcdefghijklmnop`;
  const h = await startDistributed({
    LDAP_URL: `ldap://127.0.0.1:${process.env.BIGLDAP_PORT ?? 3891}`, LDAP_BIND_DN: `cn=admin,${BIG.suffix}`, LDAP_BIND_PASSWORD: 'admin', LDAP_BASE_DN: BIG.suffix,
    LDAP_NESTED_GROUPS: 'recursive', LDAP_TIMEOUT_MS: '60000', RPC_TIMEOUT_MS: '60000', JWT_SECRET: secret,
  });
  // Tokens signed with the deployment's secret, as composer's login would issue them (10k LDAP binds are not the subject).
  const tokens = new TokenService(secret, 3_600);
  const issue = (userId: string, roles: ('admin' | 'crisis' | 'recipient')[]) => tokens.issue({ userId, displayName: userId, roles }).token;
  const admin = issue('bench-admin', ['admin', 'recipient']);
  const crisis = issue('bench-crisis', ['crisis', 'recipient']);
  try {
    let first = 0;
    for (const [round, n] of sizes.entries()) {
      // The probe is a different user each round: the previous round left it an alert it never acknowledged.
      const probeId = `${BIG.prefix}u${99_999 - round}`;
      const staff = { admin, crisis, probe: { userId: probeId, token: issue(probeId, ['recipient']) } };
      // Fresh recipients per size, so no one has an earlier emergency pending when they connect.
      const users = Array.from({ length: n }, (_, i) => `${BIG.prefix}u${first + i}`);
      first += n;
      measure('herald distributed', n, await fireAndTime(h, users.map((u) => issue(u, ['recipient'])), { users }, staff));
    }
  } finally {
    await h.close();
  }
}

/** The baseline: a raw `ws` server in a child process broadcasting one payload line to N plain WebSocket clients. */
async function rawWs(n: number): Promise<number[]> {
  const server = spawn(process.execPath, [join(__dirname, 'raw-ws-broadcast.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout.once('data', (d: Buffer) => resolve(Number(/port (\d+)/.exec(d.toString())?.[1])));
    server.once('exit', (code) => reject(new Error(`raw ws server exited with ${code}`)));
  });
  const clients: WebSocket[] = [];
  try {
    for (let i = 0; i < n; i += CONNECT_BATCH) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, n - i) }, () => new Promise<WebSocket>((resolve, reject) => {
        const c = new WebSocket(`ws://127.0.0.1:${port}`);
        c.once('open', () => resolve(c)).once('error', reject);
      })))));
    }
    const arrived: number[] = [];
    for (const c of clients) c.once('message', () => arrived.push(performance.now()));
    const payload = JSON.stringify({ occurrenceId: 'x.1', alertId: 'x', title: 'Evacuate', body: '<p>Now.</p>', severity: 'emergency', presentation: 'fullscreen', responses: [{ id: 'safe', label: 'I am safe' }, { id: 'help', label: 'I need help' }], sentAt: new Date().toISOString(), validUntil: new Date().toISOString() });
    const t0 = performance.now();
    server.stdin.write(`${payload}\n`);
    await eventually(() => arrived.length === n, 120_000, 'every raw ws client to receive the broadcast');
    return arrived.map((x) => x - t0);
  } finally {
    clients.forEach((c) => c.terminate());
    server.stdin.end();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mode = args[0] === 'distributed' ? 'distributed' : 'single-node';
  const sizes = (mode === 'distributed' ? args.slice(1) : args).map(Number);
  if (!sizes.length) sizes.push(...(mode === 'distributed' ? [1_000, 10_000] : [500]));
  console.log(`emergency: ${mode}, N = ${sizes.join(', ')} connected clients, machine: ${hostname()} (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB), node ${process.version}`);
  const baselines = new Map<number, Stats>();
  for (const n of sizes) baselines.set(n, stats(await rawWs(n)));
  const report = (label: string, n: number, times: number[]) => {
    const shipped = stats(times);
    const base = baselines.get(n)!;
    console.log(`N=${n}  raw ws broadcast (baseline): ${fmt(base)}`);
    console.log(`N=${n}  ${label} POST /api/emergency → client 'alert': ${fmt(shipped)}  (last client: ${(shipped.max / base.max).toFixed(1)}× the baseline)`);
  };
  if (mode === 'distributed') await distributed(sizes, report);
  else for (const n of sizes) report('herald single-node', n, await singleNode(n));
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
