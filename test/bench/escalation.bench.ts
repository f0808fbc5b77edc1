import { cpus, hostname, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { eventually, generateDirectory, TestSmtpServer, writeDemoLdifWith } from '@herald/testing';
import { ClockedHerald } from '../../services/scheduler/test/clocked-herald';

/**
 * Escalation throughput: N recipients (nobody connected, so nobody answers) of an emergency with an escalation
 * policy (e-mail each, digest per manager of 10); time from the escalation job's tick to the last message accepted
 * by a local SMTP server (smtp-server), beside the floor measured in the same run: nodemailer alone sending N
 * messages of the same size to the same server with the same pool (4 connections).
 * Usage: npm run bench -- escalation [N=1000]
 */
const BASE = 'ou=crowd,dc=example,dc=com';
const SPAN = 10;

async function herald(n: number, smtp: TestSmtpServer): Promise<{ ms: number; messages: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const crowd = generateDirectory({ base: BASE, prefix: 'crowd-', users: n, groups: 3, depth: 1, regions: 1, teamsPerRegion: 1, managerSpan: SPAN });
  const h = await ClockedHerald.start({ DIRECTORY_LDIF: writeDemoLdifWith(crowd, join(dir, 'directory.ldif')), SMTP_URL: smtp.url, HERALD_MAIL_FROM: 'herald@example.com' });
  try {
    const created = (await h.api('post', '/api/alerts').send({ title: 'Evacuate', body: '<p>Leave by the nearest exit.</p>', severity: 'emergency', audience: { groups: ['crowd-all-staff'] }, escalation: { afterMinutes: 5, manager: true } }).expect(201)).body;
    await h.api('post', `/api/alerts/${created.id}/send`).expect(202);
    await eventually(async () => (await h.api('get', `/api/alerts/${created.id}/deliveries`).expect(200)).body.counts.targeted === n, 120_000, 'every delivery');
    await new Promise((r) => setTimeout(r, 500)); // the escalation job is filed over the bus
    const expected = n + n / SPAN; // one per person, one digest per manager (every manager has reports)
    h.clock.advance(5 * 60_000);
    const t0 = performance.now();
    await h.tick();
    await eventually(() => smtp.received.length >= expected, 300_000, `${expected} messages`);
    return { ms: performance.now() - t0, messages: smtp.received.length };
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function floor(n: number, smtp: TestSmtpServer): Promise<number> {
  const transport = nodemailer.createTransport({ pool: true, maxConnections: 4, host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => transport.sendMail({ from: 'herald@example.com', to: `u${i}@bigcorp.test`, subject: 'Evacuate: your answer is needed', text: 'Leave by the nearest exit.\n'.repeat(4), html: '<p>Leave by the nearest exit.</p>'.repeat(4) })));
  const ms = performance.now() - t0;
  transport.close();
  return ms;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  console.log(`escalation bench: N=${n} on ${hostname()} (${cpus().length} cpus), node ${process.version}`);
  const base = await TestSmtpServer.start();
  await floor(100, base); // warm-up: JIT, parser, first connections
  const baseMs = await floor(n, base);
  await base.close();
  const smtp = await TestSmtpServer.start();
  const h = await herald(n, smtp);
  await smtp.close();
  console.log(`nodemailer alone, ${n} messages:            ${baseMs.toFixed(0)} ms (${((n / baseMs) * 1000).toFixed(0)} msg/s)`);
  console.log(`herald escalation, ${h.messages} messages (${n} + ${n / SPAN} digests): ${h.ms.toFixed(0)} ms (${((h.messages / h.ms) * 1000).toFixed(0)} msg/s)`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
