import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DEMO, eventually, generateDirectory, login, Recipient, TestSmtpServer, writeDemoLdifWith } from '@herald/testing';
import { ClockedHerald } from '../../services/scheduler/test/clocked-herald';

/** Crowd size: the 500 real sockets (about 8 s in-process on the shared 2-core CI machine). */
const PEOPLE = 500;
/** Each block of this many people has one manager: its first person. */
const MANAGER_SPAN = 10;
const ESCALATE_AFTER_MINUTES = 5;
const BASE = 'ou=crowd,dc=example,dc=com';

/**
 * The proof: a directory of 500 generated people with managers (beside the demo's crisis
 * team, in the LDIF directory), every one connected over a real Socket.IO socket to every service in one process
 * (as in single-node mode) on a ManualClock; one request fires a template; everyone receives it; all but a few
 * answer and the board's counts match exactly; five minutes later the ones who did not answer are escalated by
 * e-mail and their managers get one digest each — both read back from a real SMTP server.
 */
describe(`emergency to ${PEOPLE} connected people, escalation of the silent ones by e-mail`, () => {
  let h: ClockedHerald;
  let smtp: TestSmtpServer;
  let dir: string;
  const crowd = generateDirectory({ base: BASE, prefix: 'crowd-', users: PEOPLE, groups: 3, depth: 1, regions: 1, teamsPerRegion: 1, password: DEMO.password, managerSpan: MANAGER_SPAN });
  // The LDIF directory applies no disabled-account filter (LDAP_DISABLED_FILTER is empty), so all are recipients.
  const people = crowd.users.map((u) => u.uid);
  const silent = new Set(people.filter((_, i) => i % 7 === 3));
  const mailOf = (uid: string) => `${uid}@bigcorp.test`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-crowd-'));
    smtp = await TestSmtpServer.start();
    h = await ClockedHerald.start({ DIRECTORY_LDIF: writeDemoLdifWith(crowd, join(dir, 'directory.ldif')), RECEIPT_BATCH_MS: '100', SMTP_URL: smtp.url, HERALD_MAIL_FROM: 'Herald <herald@example.com>', SMTP_RETRY_DELAY_MS: '50' });
  });
  after(async () => {
    await h?.close();
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one request reaches every screen; every answer is counted exactly; the silent ones and their managers are e-mailed', async () => {
    const route = () => h.url;
    const grace = await login(route, DEMO.crisis);
    const sockets: Recipient[] = [];
    for (let i = 0; i < people.length; i += 25) sockets.push(...(await Promise.all(people.slice(i, i + 25).map((u) => h.connect(u)))));

    const template = (
      await h
        .api('post', '/api/templates')
        .send({ name: 'Lockdown', title: 'Lockdown: stay where you are', body: '<p>Lock the door. Answer below.</p>', audience: { groups: ['crowd-all-staff'] }, escalation: { afterMinutes: ESCALATE_AFTER_MINUTES, manager: true } })
        .expect(201)
    ).body;
    const fired = (await request(h.url).post('/api/emergency').set('authorization', `Bearer ${grace}`).send({ templateId: template.id }).expect(202)).body;
    await eventually(() => sockets.every((s) => s.alerts.some((a) => a.alertId === fired.id)), 30_000, `all ${people.length} sockets to receive the emergency`);

    const answering = sockets.map((s, i) => [s, i] as const).filter(([, i]) => !silent.has(people[i]));
    const replies = await Promise.all(answering.map(([s, i]) => s.respond(fired.occurrenceId, i % 3 === 0 ? 'help' : 'safe')));
    assert.ok(replies.every((r) => r.ok));
    const help = answering.filter(([, i]) => i % 3 === 0).length;
    const summary = await eventually(
      async () => {
        const s = (await request(h.url).get(`/api/alerts/${fired.id}/summary`).set('authorization', `Bearer ${grace}`).expect(200)).body;
        return s.byState.responded === answering.length ? s : null;
      },
      30_000,
      'every answer on the board',
    );
    assert.equal(summary.recipients, people.length);
    assert.deepEqual(summary.byResponse.map((r: { id: string; count: number }) => [r.id, r.count]), [
      ['safe', answering.length - help],
      ['help', help],
    ]);
    const managerOf = new Map(crowd.users.map((u) => [u.uid, u.manager]));
    assert.deepEqual(
      summary.unanswered.map((u: { userId: string; manager?: { id: string } }) => [u.userId, u.manager?.id]),
      [...silent].sort((a, b) => a.localeCompare(b)).map((u) => [u, managerOf.get(u)]),
      'the board lists exactly the silent ones, each with their manager to call',
    );
    assert.equal(smtp.received.length, 0, 'nobody is e-mailed before the escalation is due');

    // Escalation, on the scheduler's clock: the silent ones get an e-mail each, their managers one digest each.
    const reportsOf = new Map<string, string[]>();
    for (const u of silent) if (managerOf.get(u)) reportsOf.set(managerOf.get(u)!, [...(reportsOf.get(managerOf.get(u)!) ?? []), u]);
    const expected = silent.size + reportsOf.size;
    h.clock.advance(ESCALATE_AFTER_MINUTES * 60_000);
    await eventually(async () => (await h.tick(), smtp.received.length >= expected), 30_000, `${expected} escalation e-mails`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.received.length, expected, 'no e-mail twice, none to anyone who answered');

    const personal = smtp.received.filter((m) => m.subject.endsWith('your answer is needed'));
    assert.deepEqual(personal.flatMap((m) => m.to).sort(), [...silent].map(mailOf).sort(), 'exactly the silent ones, at their directory address');
    for (const m of personal) assert.equal(m.subject, '[EMERGENCY] Lockdown: stay where you are: your answer is needed');
    assert.ok(silent.has('crowd-u3'), 'the generator names crowd-u3 with unicode and DN specials');
    assert.match(smtp.to(mailOf('crowd-u3'))[0].text, /^Zoë Ångström-3 \(contractor\), \*R&D\*,/, 'unicode and specials survive');

    for (const [manager, reports] of reportsOf) {
      const digests = smtp.to(mailOf(manager)).filter((m) => m.subject.includes('of your reports have not answered'));
      assert.equal(digests.length, 1, `one digest to ${manager}`);
      assert.equal(digests[0].subject, `[EMERGENCY] Lockdown: stay where you are: ${reports.length} of your reports have not answered`);
      const listed = [...digests[0].text.matchAll(/^- .* \((crowd-u\d+)\)/gm)].map((x) => x[1]).sort();
      assert.deepEqual(listed, [...reports].sort(), `${manager}'s digest lists exactly their silent reports`);
    }

    const board = (await request(h.url).get(`/api/alerts/${fired.id}/summary`).set('authorization', `Bearer ${grace}`).expect(200)).body;
    assert.ok(board.unanswered.every((u: { escalation?: { state: string } }) => u.escalation?.state === 'sent'));
  });
});
