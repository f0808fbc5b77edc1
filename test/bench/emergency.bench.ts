import { cpus, hostname, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import WebSocket, { WebSocketServer } from 'ws';
import { DEMO, eventually, generateDirectory, login, Recipient, startSingleNode, writeDemoLdifWith } from '@herald/testing';

/**
 * Time from `POST /api/emergency` to the last of N connected Socket.IO clients receiving the alert (p50/p99/max),
 * in single-node mode, beside a raw `ws` broadcast of the same kind of payload to N plain WebSocket clients
 * measured in the same run (the floor: one process, no bus, no store, no audience, no Socket.IO).
 * Usage: npm run bench -- emergency [N=500]
 */
const BASE = 'ou=crowd,dc=example,dc=com';

function stats(ms: number[]): { p50: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}
const fmt = (x: { p50: number; p99: number; max: number }) => `p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms, max ${x.max.toFixed(1)} ms`;

async function herald(n: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const crowd = generateDirectory({ base: BASE, prefix: 'crowd-', users: n, groups: 3, depth: 1, regions: 1, teamsPerRegion: 1, password: DEMO.password });
  const h = await startSingleNode({ DIRECTORY_LDIF: writeDemoLdifWith(crowd, join(dir, 'directory.ldif')) });
  const sockets: Recipient[] = [];
  try {
    const [carol, grace] = await Promise.all([login(h.route, DEMO.admin), login(h.route, DEMO.crisis)]);
    const tokens: string[] = [];
    for (const u of crowd.users) tokens.push(await login(h.route, u.uid));
    for (let i = 0; i < tokens.length; i += 50) sockets.push(...(await Promise.all(tokens.slice(i, i + 50).map((t) => Recipient.connect(h.gatewayUrl, t)))));
    const arrived: number[] = [];
    for (const s of sockets) s.socket.once('alert', () => arrived.push(performance.now()));
    const t = (await request(h.route('/api/templates')).post('/api/templates').set('authorization', `Bearer ${carol}`).send({ name: 'Bench', title: 'Evacuate', body: '<p>Now.</p>', audience: { groups: ['crowd-all-staff'] } }).expect(201)).body;
    const t0 = performance.now();
    await request(h.route('/api/emergency')).post('/api/emergency').set('authorization', `Bearer ${grace}`).send({ templateId: t.id }).expect(202);
    await eventually(() => arrived.length === n, 120_000, 'every client to receive the emergency');
    return arrived.map((x) => x - t0);
  } finally {
    sockets.forEach((s) => s.close());
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawWs(n: number): Promise<number[]> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const { port } = wss.address() as AddressInfo;
  const clients: WebSocket[] = [];
  const arrived: number[] = [];
  for (let i = 0; i < n; i += 50) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => new Promise<WebSocket>((resolve, reject) => {
      const c = new WebSocket(`ws://127.0.0.1:${port}`);
      c.once('open', () => resolve(c)).once('error', reject);
    })))));
  }
  for (const c of clients) c.once('message', () => arrived.push(performance.now()));
  const payload = JSON.stringify({ occurrenceId: 'x.1', alertId: 'x', title: 'Evacuate', body: '<p>Now.</p>', severity: 'emergency', presentation: 'fullscreen', responses: [{ id: 'safe', label: 'I am safe' }, { id: 'help', label: 'I need help' }], sentAt: new Date().toISOString(), validUntil: new Date().toISOString() });
  const t0 = performance.now();
  for (const c of wss.clients) c.send(payload);
  await eventually(() => arrived.length === n, 60_000, 'every raw ws client to receive the broadcast');
  clients.forEach((c) => c.close());
  await new Promise((r) => wss.close(r));
  return arrived.map((x) => x - t0);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 500);
  const baseline = stats(await rawWs(n));
  const shipped = stats(await herald(n));
  console.log(`emergency: N=${n} connected clients, single-node, machine: ${hostname()} (${cpus().length} cores), node ${process.version}`);
  console.log(`raw ws broadcast (baseline): ${fmt(baseline)}`);
  console.log(`herald POST /api/emergency → client 'alert': ${fmt(shipped)}`);
  console.log(`ratio (last client, herald / raw ws): ${(shipped.max / baseline.max).toFixed(1)}×`);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
