import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryView, EscalationDue } from '@herald/contracts';
import { INFRA, Infra } from '@herald/runtime';
import { eventually, TestSmtpServer } from '@herald/testing';
import { ClockedHerald } from '../../scheduler/test/clocked-herald';
import { EscalationService } from '../src/escalation/escalation.service';
import { EscalationRepository } from '../src/escalation/escalation.repository';

interface AuditRow {
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

/**
 * Escalation by e-mail, on a ManualClock, against a real SMTP server (smtp-server) whose messages are parsed back:
 * who was e-mailed and at which address, what the manager digests say, that whoever answered is left alone, that
 * a redelivered escalation sends nothing twice, and that an SMTP outage is retried and then recorded as failed.
 * Demo managers (deploy/demo-directory.ldif): bob → erin, erin → carol, dave → carol.
 */
describe('escalation by e-mail (all services in-process, ManualClock, real SMTP server)', () => {
  let h: ClockedHerald;
  let smtp: TestSmtpServer;
  const quiet = () => new Promise((r) => setTimeout(r, 300));

  before(async () => {
    smtp = await TestSmtpServer.start();
    h = await ClockedHerald.start({ SMTP_URL: smtp.url, HERALD_MAIL_FROM: 'Herald <herald@example.com>', SMTP_MAX_ATTEMPTS: '3', SMTP_RETRY_DELAY_MS: '20', SMTP_TIMEOUT_MS: '2000' });
    // The address in e-mails is PUBLIC_URL, which boot also uses as the test's own URL: set once booted, as behind an ingress.
    h.herald.app.get<symbol, Infra>(INFRA).env.PUBLIC_URL = 'https://herald.example.com';
  });
  after(async () => {
    await h?.close();
    await smtp?.close();
  });

  const deliveries = async (id: string): Promise<Map<string, DeliveryView>> => new Map((await h.api('get', `/api/alerts/${id}/deliveries`).expect(200)).body.deliveries.map((d: DeliveryView) => [d.userId, d]));
  const audit = async (id: string): Promise<AuditRow[]> => (await h.api('get', `/api/audit?alertId=${id}&limit=500`).expect(200)).body.entries;
  /** Moves the clock and ticks until `check` holds (the sent-now escalation job is filed asynchronously over the bus). */
  const advanceUntil = async <T>(minutes: number, check: () => T | Promise<T>, what: string): Promise<T> => {
    h.clock.advance(minutes * 60_000);
    return eventually(async () => (await h.tick(), check()), 10_000, what);
  };
  const sendEmergency = async (audience: Record<string, string[]>, escalation: Record<string, unknown>, severity = 'emergency'): Promise<{ id: string; occurrenceId: string }> => {
    const created = await h.api('post', '/api/alerts').send({ title: 'Evacuate building <B>', body: '<p>Leave by the <b>stairs</b> &amp; meet outside.</p><script>x()</script>', severity, audience: { users: [], groups: [], ...audience }, escalation }).expect(201);
    assert.deepEqual(created.body.escalation, { email: true, manager: false, ...escalation });
    const sent = await h.api('post', `/api/alerts/${created.body.id}/send`).expect(202);
    return { id: created.body.id, occurrenceId: sent.body.occurrenceId };
  };

  test('whoever has not answered is e-mailed after N minutes, their managers get one digest each, the board lists the manager', async () => {
    const alice = await h.connect('alice');
    const { id, occurrenceId } = await sendEmergency({ groups: ['engineering'] }, { afterMinutes: 10, manager: true });
    await eventually(() => alice.alerts.some((a) => a.alertId === id), 5_000, 'alice receives the emergency');
    assert.deepEqual(await alice.respond(occurrenceId, 'safe'), { ok: true });
    await eventually(async () => (await deliveries(id)).get('alice')?.state === 'responded', 5_000, 'alice answered');

    h.clock.advance(9 * 60_000);
    await h.tick();
    await quiet();
    assert.equal(smtp.received.length, 0, 'nothing before afterMinutes');

    // bob and erin (engineering, unanswered) each get a mail; managers: erin (for bob) and carol (for erin).
    await advanceUntil(1, () => smtp.received.length >= 4, 'two escalations and two digests');
    await quiet();
    assert.equal(smtp.received.length, 4);
    assert.deepEqual(smtp.to('alice@example.com'), [], 'alice answered: no e-mail');
    const [bobMail] = smtp.to('bob@example.com');
    assert.equal(bobMail.subject, '[EMERGENCY] Evacuate building <B>: your answer is needed');
    assert.equal(bobMail.from, 'herald@example.com');
    assert.match(bobMail.text, /^Bob Brown,/);
    assert.match(bobMail.text, /Leave by the stairs & meet outside\./);
    assert.match(bobMail.text, /Open Herald to answer: https:\/\/herald\.example\.com/);
    assert.match(bobMail.html, /<h2>Evacuate building &lt;B&gt;<\/h2>/);
    assert.match(bobMail.html, /<b>stairs<\/b>/);
    assert.doesNotMatch(bobMail.html, /<script/);

    const toErin = smtp.to('erin@example.com');
    assert.equal(toErin.length, 2, 'erin: her own escalation and the digest for bob');
    const erinDigest = toErin.find((m) => m.subject.includes('reports'))!;
    assert.equal(erinDigest.subject, '[EMERGENCY] Evacuate building <B>: 1 of your reports have not answered');
    assert.match(erinDigest.text, /- Bob Brown \(bob\): bob@example\.com, \+33 4 65 71 00 12, Engineering, Lyon\n/);
    assert.doesNotMatch(erinDigest.text, /Alice/);
    const [carolDigest] = smtp.to('carol@example.com');
    assert.match(carolDigest.text, /- Erin Evans \(erin\): erin@example\.com, \+33 1 99 00 00 25 \(ext\. 2\), Operations, Paris\n/);
    assert.match(carolDigest.html, /<li>Erin Evans \(erin\): erin@example\.com, \+33 1 99 00 00 25 \(ext\. 2\), Operations, Paris<\/li>/);

    const d = await deliveries(id);
    assert.equal(d.get('alice')?.escalation, null);
    assert.deepEqual({ ...d.get('bob')!.escalation, at: 'x' }, { at: 'x', channel: 'email', state: 'sent', to: 'bob@example.com', attempts: 1 });
    assert.equal(d.get('bob')!.escalation!.at, h.clock.now().toISOString());

    const board = (await h.api('get', `/api/alerts/${id}/summary`).expect(200)).body;
    assert.deepEqual(board.unanswered.map((u: { userId: string; phone?: string; manager?: { id: string; displayName: string; mail: string; phone?: string } }) => [u.userId, u.phone, u.manager]), [
      ['bob', '+33 4 65 71 00 12', { id: 'erin', dn: 'uid=erin,ou=people,dc=example,dc=com', displayName: 'Erin Evans', mail: 'erin@example.com', phone: '+33 1 99 00 00 25 (ext. 2)' }],
      ['erin', '+33 1 99 00 00 25 (ext. 2)', { id: 'carol', dn: 'uid=carol,ou=people,dc=example,dc=com', displayName: 'Carol Clark', mail: 'carol@example.com', phone: '+33 1 99 00 00 03' }],
    ]);
    assert.equal(board.unanswered[0].escalation.state, 'sent');

    const rows = await eventually(async () => {
      const r = (await audit(id)).filter((e) => e.action.includes('escalat') || e.action.startsWith('escalation.'));
      return r.length >= 4 ? r : null;
    }, 5_000, 'escalations in the audit trail');
    assert.deepEqual(rows.map((e) => `${e.action} ${e.subject.split(':').at(-1)}`).sort(), [
      'delivery.escalated bob',
      'delivery.escalated erin',
      `escalation.manager-notified ${occurrenceId}`,
      `escalation.manager-notified ${occurrenceId}`,
    ]);

    // Redelivered and duplicated (two replicas at once): nothing is sent again.
    await Promise.all([h.herald.app.get(EscalationService).escalate(id, occurrenceId, { afterMinutes: 10, email: true, manager: true }), h.herald.app.get(EscalationService).escalate(id, occurrenceId, { afterMinutes: 10, email: true, manager: true })]);
    await h.herald.app.get<symbol, Infra>(INFRA).bus.publish(EscalationDue, { alertId: id, occurrenceId, policy: { afterMinutes: 10, email: true, manager: true } });
    await h.advance(60);
    await quiet();
    assert.equal(smtp.received.length, 4, 'a redelivered escalation sends nothing twice');
  });

  test('a crisis template: reminders first, then escalation of a critical alert nobody acknowledged; bad policies are refused naming the field', async () => {
    const base = { name: 'Gas leak', title: 'Gas leak in hall C', body: '<p>Stay away from hall C.</p>', severity: 'critical', presentation: 'fullscreen', audience: { users: ['dave'] }, reminders: { everyMinutes: 5, maxCount: 1 } };
    const early = await h.api('post', '/api/templates').send({ ...base, escalation: { afterMinutes: 5 } }).expect(400);
    assert.match(early.body.message, /^escalation\.afterMinutes: must come after the last reminder \(5 minutes after firing\)/);
    const nothing = await h.api('post', '/api/templates').send({ ...base, escalation: { afterMinutes: 10, email: false, manager: false } }).expect(400);
    assert.match(nothing.body.message, /^escalation\.email: must escalate by email, to managers, or both/);
    const info = await h.api('post', '/api/alerts').send({ title: 't', body: 'b', severity: 'info', audience: { users: ['dave'] }, escalation: { afterMinutes: 10 } }).expect(400);
    assert.match(info.body.message, /^escalation: only for critical and emergency alerts/);
    const late = await h.api('post', '/api/alerts').send({ title: 't', body: 'b', severity: 'critical', audience: { users: ['dave'] }, validUntil: h.iso(30), escalation: { afterMinutes: 30 } }).expect(400);
    assert.match(late.body.message, /^escalation\.afterMinutes: 30 minutes after sending is past the alert's end/);

    const template = (await h.api('post', '/api/templates').send({ ...base, escalation: { afterMinutes: 10, email: false, manager: true } }).expect(201)).body;
    assert.deepEqual(template.escalation, { afterMinutes: 10, email: false, manager: true });
    const dave = await h.connect('dave');
    const fired = (await h.api('post', '/api/emergency').send({ templateId: template.id }).expect(202)).body;
    await h.tick();
    await eventually(() => dave.alerts.some((a) => a.alertId === fired.id), 5_000, 'first showing');
    const before = smtp.received.length;
    await h.advance(5);
    await eventually(() => dave.alerts.filter((a) => a.alertId === fired.id).length === 2, 5_000, 'the reminder');
    assert.equal(smtp.received.length, before, 'no e-mail at the reminder');
    await h.advance(5);
    const [digest] = await eventually(() => (smtp.to('carol@example.com').filter((m) => m.subject.includes('Gas leak')).length ? smtp.to('carol@example.com').filter((m) => m.subject.includes('Gas leak')) : null), 5_000, "dave's manager's digest");
    assert.equal(digest.subject, '[CRITICAL] Gas leak in hall C: 1 of your reports have not answered');
    assert.match(digest.text, /- Dave Dubois \(dave\): dave@example\.com, \+33 3 53 01 00 41, Sales, Lille\n/);
    assert.deepEqual(smtp.to('dave@example.com'), [], 'manager only: dave himself is not e-mailed');
    const d = await eventually(async () => ((await deliveries(fired.id)).get('dave')?.escalation ? await deliveries(fired.id) : null), 5_000, 'escalation recorded');
    assert.deepEqual({ ...d.get('dave')!.escalation, at: 'x' }, { at: 'x', channel: 'manager', state: 'sent', to: 'carol@example.com', attempts: 1 });
  });

  test('SMTP refusing for a while: retried with back-off until it accepts', async () => {
    const { id } = await sendEmergency({ users: ['dave'] }, { afterMinutes: 3 }, 'critical');
    smtp.failNext(2);
    const before = smtp.to('dave@example.com').length;
    await advanceUntil(3, () => smtp.to('dave@example.com').length > before, 'the third attempt to get through');
    const d = await eventually(async () => ((await deliveries(id)).get('dave')?.escalation?.state === 'sent' ? await deliveries(id) : null), 5_000, 'recorded as sent');
    assert.equal(d.get('dave')!.escalation!.attempts, 3);
    assert.equal(smtp.to('dave@example.com').length, before + 1, 'one message, not three');
  });

  test('a run whose replica died mid-way is taken over once its lease lapses; what it had claimed is sent, once', async () => {
    const { id, occurrenceId } = await sendEmergency({ users: ['dave'] }, { afterMinutes: 3 }, 'critical');
    await eventually(async () => (await deliveries(id)).has('dave'), 5_000, "dave's delivery");
    // A replica took the run, claimed dave, and died before sending: its lease is still live.
    const repo = h.herald.app.get(EscalationRepository);
    const now = h.clock.now();
    const lease = new Date(now.getTime() + 60_000).toISOString();
    assert.equal(await repo.acquire({ _id: occurrenceId, alertId: id, state: 'running', owner: 'dead-replica', startedAt: now.toISOString(), leaseUntil: lease, finishedAt: null, escalated: 0, failed: 0, digests: [] }), 'acquired');
    assert.deepEqual(await repo.claimOpen(occurrenceId, now.toISOString()), ['dave']);
    assert.equal((await h.api('get', `/api/alerts/${id}/summary`).expect(200)).body.unanswered[0].escalation.state, 'sending', 'the board shows the claim');

    const before = smtp.to('dave@example.com').length;
    const redelivered = h.herald.app.get(EscalationService).escalate(id, occurrenceId, { afterMinutes: 3, email: true, manager: false });
    await quiet();
    assert.equal(smtp.to('dave@example.com').length, before, 'waits while the lease is live');
    h.clock.advance(61_000);
    await redelivered;
    assert.equal(smtp.to('dave@example.com').length, before + 1, 'taken over and sent');
    assert.equal((await deliveries(id)).get('dave')?.escalation?.state, 'sent');
    await h.advance(3);
    await quiet();
    assert.equal(smtp.to('dave@example.com').length, before + 1, "the escalation job's own message finds the run done");
  });

  test('SMTP down: retried, then recorded as failed on the delivery and in the audit trail', async () => {
    const { id } = await sendEmergency({ users: ['dave'] }, { afterMinutes: 3 });
    await smtp.close();
    const d = await advanceUntil(3, async () => ((await deliveries(id)).get('dave')?.escalation?.state === 'failed' ? deliveries(id) : null), 'recorded as failed');
    const rec = d!.get('dave')!.escalation!;
    assert.equal(rec.attempts, 3, 'SMTP_MAX_ATTEMPTS attempts');
    assert.equal(rec.to, 'dave@example.com');
    assert.match(rec.error ?? '', /ECONNREFUSED|connect/i);
    const failed = await eventually(async () => (await audit(id)).find((e) => e.action === 'delivery.escalation-failed'), 5_000, 'audit entry');
    assert.equal(failed.subject.split(':').at(-1), 'dave');
    assert.equal(failed.details.attempts, 3);
    const board = (await h.api('get', `/api/alerts/${id}/summary`).expect(200)).body;
    assert.equal(board.unanswered[0].escalation.state, 'failed');
  });
});
