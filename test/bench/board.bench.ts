import { cpus, hostname, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DEMO, eventually, generateDirectory, launchChromium, login, Recipient, sendAlert, startSingleNode, writeDemoLdifWith } from '@herald/testing';

/**
 * Crisis board latency: single-node Herald (default SUMMARY_REFRESH_MS 500, RECEIPT_BATCH_MS default), an emergency
 * to N generated people, the board open in Chromium; K of them answer one after another (raw Socket.IO), and for
 * each answer we time from the `respond` call to the board showing the new count. With N large, the not-answered
 * table is rebuilt each time: this is also what rendering N rows costs.
 * Usage: npm run bench -- board [N=1000] [K=20]
 */
const BASE = 'ou=crowd,dc=example,dc=com';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const k = Math.min(Number(process.argv[3] ?? 20), n);
  console.log(`board bench: N=${n} recipients, K=${k} answers, on ${hostname()} (${cpus().length} cpus), node ${process.version}`);
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const crowd = generateDirectory({ base: BASE, prefix: 'crowd-', users: n, groups: 3, depth: 1, regions: 1, teamsPerRegion: 1, password: DEMO.password, managerSpan: 10 });
  const h = await startSingleNode({ DIRECTORY_LDIF: writeDemoLdifWith(crowd, join(dir, 'directory.ldif')) });
  const browser = await launchChromium();
  const sockets: Recipient[] = [];
  try {
    const answering = crowd.users.slice(0, k).map((u) => u.uid);
    for (const u of answering) sockets.push(await Recipient.connect(h.gatewayUrl, await login(h.route, u)));
    const grace = await login(h.route, DEMO.crisis);
    const sent = await sendAlert(h.route, grace, { title: 'Evacuate', body: '<p>Leave now.</p>', severity: 'emergency', audience: { users: [], groups: ['crowd-all-staff'] } });
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await page.goto(`${h.gatewayUrl}/board`);
    await page.fill('#username', DEMO.crisis);
    await page.fill('#password', DEMO.password);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#picker:not([hidden])');
    const t0 = performance.now();
    await page.evaluate((id) => (location.hash = id), sent.id);
    await page.waitForFunction((want) => document.querySelector('[data-count=answer-none] dd')?.textContent === String(want), n, { timeout: 120_000, polling: 'raf' });
    const firstPaint = performance.now() - t0;
    await eventually(() => sockets.every((s) => s.alerts.length > 0), 30_000, 'every answering socket to receive the emergency');
    const times: number[] = [];
    for (const [i, s] of sockets.entries()) {
      const t = performance.now();
      await s.respond(sent.occurrenceId, 'safe');
      await page.waitForFunction((want) => document.querySelector('[data-count=answer-safe] dd')?.textContent === String(want), i + 1, { timeout: 30_000, polling: 'raf' });
      times.push(performance.now() - t);
    }
    // What the server's part costs: one summary build (the stream's feed does the same once per tick when it changed).
    const builds: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await request(h.route('/api/alerts')).get(`/api/alerts/${sent.id}/summary`).set('authorization', `Bearer ${grace}`).expect(200);
      builds.push(performance.now() - t);
    }
    console.log(`GET /summary (server build + JSON): median ${pct(builds, 50).toFixed(0)} ms of 5`);
    console.log(`board opened on ${n} not answered: ${firstPaint.toFixed(0)} ms to the first full render`);
    console.log(`answer → board: p50 ${pct(times, 50).toFixed(0)} ms, p99 ${pct(times, 99).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (${k} answers)`);
  } finally {
    sockets.forEach((s) => s.close());
    await browser.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
