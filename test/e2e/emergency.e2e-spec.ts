import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import type { ClientAlert } from '@herald/contracts';
import { DEMO, deliveriesOf, eventually, Harness, launchChromium, login, newAlert, Recipient, repoRoot, sendAlert, SseReader, startSingleNode } from '@herald/testing';

const WEBHOOK_TOKEN = 'test-emergency-webhook-token-0123456789';
const run = promisify(execFile);

const SAFE_OR_HELP = [
  { id: 'safe', label: 'I am safe' },
  { id: 'help', label: 'I need help' },
];

/**
 * Emergencies as the crisis team and the recipients meet them: only crisis/admin may send one (refusals audited), it
 * takes over the screen with answers, only an answer settles it, and every answer is recorded per recipient.
 */
describe('emergency alerts and answers — single-node demo', () => {
  let h: Harness;
  const sockets: Recipient[] = [];
  const api = (path: string) => request(h.route(path));

  before(async () => {
    h = await startSingleNode({ EMERGENCY_WEBHOOK_TOKEN: WEBHOOK_TOKEN });
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await h?.close();
  });

  const connect = async (user: string) => {
    const r = await Recipient.connect(h.gatewayUrl, await login(h.route, user));
    sockets.push(r);
    return r;
  };
  const emergencyTo = (users: string[], o: Record<string, unknown> = {}) => newAlert({ severity: 'emergency', title: 'Fire in building A', audience: { users, groups: [] }, ...o });

  test('only crisis and admin may send an emergency; each refusal is in the audit trail', async () => {
    const [frank, grace, carol, heidi] = await Promise.all([DEMO.author, DEMO.crisis, DEMO.admin, DEMO.auditor].map((u) => login(h.route, u)));
    const post = (t: string, body: Record<string, unknown>) => api('/api/alerts').post('/api/alerts').set('authorization', `Bearer ${t}`).send(body);
    const refused = await post(frank, emergencyTo(['alice'])).expect(403);
    assert.match(refused.body.message, /emergency alerts require the crisis or admin role/);
    await post(heidi, emergencyTo(['alice'])).expect(403);
    const byGrace = (await post(grace, emergencyTo(['alice'], { presentation: 'popup' })).expect(201)).body;
    assert.equal(byGrace.presentation, 'fullscreen', 'an emergency always takes over the screen');
    assert.deepEqual(byGrace.responses, SAFE_OR_HELP, 'default answers');
    const custom = [{ id: 'out', label: 'I am outside' }];
    assert.deepEqual((await post(carol, emergencyTo(['alice'], { responses: custom })).expect(201)).body.responses, custom);
    const dup = await post(carol, emergencyTo(['alice'], { responses: [custom[0], custom[0]] })).expect(400);
    assert.match(dup.body.message, /responses/);

    const trail = await eventually(async () => {
      const res = await api('/api/audit').get('/api/audit').set('authorization', `Bearer ${heidi}`).expect(200);
      const denied = res.body.entries.filter((e: { action: string; actor: string }) => e.action === 'auth.denied' && [DEMO.author, DEMO.auditor].includes(e.actor));
      return denied.length === 2 ? denied : null;
    }, 5_000, 'both refusals in the audit trail');
    const frankDenied = trail.find((e: { actor: string }) => e.actor === DEMO.author);
    assert.match(frankDenied.details.reason, /emergency alerts require the crisis or admin role/);
  });

  test('recipients get a full-screen emergency with answers; only a valid answer settles it and is recorded', async () => {
    const grace = await login(h.route, DEMO.crisis);
    const [alice, dave] = await Promise.all([connect('alice'), connect('dave')]);
    const sent = await sendAlert(h.route, grace, emergencyTo(['alice', 'dave', 'erin']));
    await eventually(() => alice.alerts.length === 1 && dave.alerts.length === 1, 5_000, 'alice and dave to receive the emergency');
    const got: ClientAlert = alice.alerts[0];
    assert.equal(got.severity, 'emergency');
    assert.equal(got.presentation, 'fullscreen');
    assert.deepEqual(got.responses, SAFE_OR_HELP);

    // A bare acknowledgement and an answer that is not offered change nothing; a malformed one is refused outright.
    assert.deepEqual(await alice.receipt(sent.occurrenceId, 'acknowledged'), { ok: true });
    assert.deepEqual(await dave.respond(sent.occurrenceId, 'nope'), { ok: true });
    const bad = await dave.respond(sent.occurrenceId, '', 'x');
    assert.equal(bad.ok, false);
    assert.match(bad.error!, /invalid response: optionId/);
    assert.deepEqual(await dave.respond(sent.occurrenceId, 'help', '  Trapped on floor 3  '), { ok: true });
    const afterDave = await eventually(async () => {
      const ds = await deliveriesOf(h.route, grace, sent.id);
      return ds.find((d) => d.userId === 'dave')?.state === 'responded' ? ds : null;
    }, 5_000, "dave's answer to be recorded");
    const byUser = (ds: typeof afterDave, u: string) => ds.find((d) => d.userId === u)!;
    assert.deepEqual(byUser(afterDave, 'dave').response, { optionId: 'help', comment: 'Trapped on floor 3' });
    assert.ok(byUser(afterDave, 'dave').acknowledgedAt, 'an answer acknowledges');
    assert.equal(byUser(afterDave, 'alice').acknowledgedAt, null, 'a bare acknowledgement does not settle an emergency');
    assert.equal(byUser(afterDave, 'erin').state, 'targeted');

    // Alice is still owed it: a reconnect shows it again; her answer settles it, a second answer does not replace it.
    const alice2 = await connect('alice');
    await eventually(() => alice2.alerts.some((a) => a.occurrenceId === sent.occurrenceId), 5_000, 'the unanswered emergency again on reconnect');
    await alice2.respond(sent.occurrenceId, 'safe');
    await alice2.respond(sent.occurrenceId, 'help');
    const final = await eventually(async () => {
      const ds = await deliveriesOf(h.route, grace, sent.id);
      return byUser(ds, 'alice').state === 'responded' ? ds : null;
    }, 5_000, "alice's answer to be recorded");
    assert.deepEqual(byUser(final, 'alice').response, { optionId: 'safe' });
    const counts = (await api('/api/alerts').get(`/api/alerts/${sent.id}/deliveries`).set('authorization', `Bearer ${grace}`).expect(200)).body.counts;
    assert.equal(counts.responded, 2);
    const alice3 = await connect('alice');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(alice3.alerts.length, 0, 'an answered emergency is no longer pending');
  });

  test('the web client shows the emergency above a critical takeover, with answers and no other way out', async () => {
    const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    try {
      const carol = await login(h.route, DEMO.admin);
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(h.gatewayUrl);
      await page.fill('#username', 'bob');
      await page.fill('#password', DEMO.password);
      await page.click('button[type=submit]');
      await page.waitForSelector('#status[data-status=connected]');
      await sendAlert(h.route, carol, newAlert({ severity: 'critical', presentation: 'fullscreen', title: 'Server room', audience: { users: ['bob'], groups: [] } }));
      await page.waitForSelector('#takeover .panel.critical');
      const sent = await sendAlert(h.route, carol, emergencyTo(['bob']));
      await page.waitForSelector('#takeover .panel.emergency');
      assert.equal(await page.locator('#takeover .panel.emergency button.ack').count(), 0, 'no acknowledge button on an emergency');
      assert.deepEqual(await page.locator('#takeover button.response').allTextContents(), ['I am safe', 'I need help']);
      await page.click('#takeover button.response[data-option=safe]');
      // The critical takeover it pre-empted comes back once the emergency is answered.
      await page.waitForSelector('#takeover .panel.critical');
      const bob = await eventually(async () => (await deliveriesOf(h.route, carol, sent.id)).find((d) => d.userId === 'bob' && d.state === 'responded'), 5_000, "bob's answer from the browser");
      assert.deepEqual(bob.response, { optionId: 'safe' });
      // "All clear" says so on the screen, in the page's language.
      await request(h.route('/api/alerts')).post(`/api/alerts/${sent.id}/all-clear`).set('authorization', `Bearer ${carol}`).expect(202);
      await page.waitForSelector('.card.all-clear:has-text("All clear")');
      assert.match(await page.locator('.card.all-clear .body').innerText(), /The emergency is over: Fire in building A/);
    } finally {
      await browser.close();
    }
  });

  test('an admin writes a crisis template; crisis fires it with one request, by API, webhook and CLI; every attempt is audited', async () => {
    const [carol, grace, frank, heidi] = await Promise.all([DEMO.admin, DEMO.crisis, DEMO.author, DEMO.auditor].map((u) => login(h.route, u)));
    const as = (t: string) => ({ authorization: `Bearer ${t}` });
    const evacuate = { name: 'Evacuate building A', title: 'Evacuate building A now', body: '<p>Use the stairs.</p><script>x()</script>', audience: { users: ['alice', 'dave'], groups: [] } };
    await api('/api/templates').post('/api/templates').set(as(grace)).send(evacuate).expect(403);
    const bad = await api('/api/templates').post('/api/templates').set(as(carol)).send({ ...evacuate, severity: 'info' }).expect(400);
    assert.match(bad.body.message, /severity/);
    // This server has no SMTP_URL: an escalation policy would promise e-mails nobody could send.
    const noSmtp = await api('/api/templates').post('/api/templates').set(as(carol)).send({ ...evacuate, escalation: { afterMinutes: 15 } }).expect(422);
    assert.match(noSmtp.body.message, /^escalation: e-mail is not configured on this server \(set SMTP_URL/);
    const t = (await api('/api/templates').post('/api/templates').set(as(carol)).send(evacuate).expect(201)).body;
    assert.equal(t.severity, 'emergency');
    assert.deepEqual(t.responses, SAFE_OR_HELP);
    assert.doesNotMatch(t.body, /script/, 'template bodies are sanitised like alerts');
    const edited = (await api('/api/templates').put(`/api/templates/${t.id}`).set(as(carol)).send({ ...evacuate, title: 'EVACUATE building A now' }).expect(200)).body;
    assert.equal(edited.version, 2);
    await api('/api/templates').put(`/api/templates/${t.id}`).set(as(grace)).send(evacuate).expect(403);
    assert.deepEqual((await api('/api/templates').get('/api/templates').set(as(grace)).expect(200)).body.templates.map((x: { id: string }) => x.id), [t.id]);
    await api('/api/templates').get('/api/templates').set(as(frank)).expect(403);

    const [alice, dave] = await Promise.all([connect('alice'), connect('dave')]);
    // One request from the crisis team: everyone in the template's audience gets it, with its answers.
    const fired = (await api('/api/emergency').post('/api/emergency').set(as(grace)).send({ templateId: t.id, overrides: { body: '<p>Fire on floor 2. Use the east stairs.</p>' } }).expect(202)).body;
    await eventually(() => [alice, dave].every((r) => r.alerts.some((a) => a.alertId === fired.id)), 5_000, 'both to receive the fired template');
    const got = alice.alerts.find((a) => a.alertId === fired.id)!;
    assert.equal(got.title, 'EVACUATE building A now');
    assert.match(got.body, /east stairs/);
    assert.deepEqual(got.responses, SAFE_OR_HELP);
    await api('/api/emergency').post('/api/emergency').set(as(frank)).send({ templateId: t.id }).expect(403);
    await api('/api/emergency').post('/api/emergency').set(as(grace)).send({ templateId: 'no-such-template' }).expect(404);
    await api('/api/emergency').post('/api/emergency').set(as(grace)).send({ templateId: t.id, overrides: { severity: 'info' } }).expect(400);

    // The webhook: its own token, never a JWT.
    const hook = `/api/emergency/webhook/${t.id}`;
    await api(hook).post(hook).set(as(grace)).expect(401);
    await api(hook).post(hook).set(as('x'.repeat(WEBHOOK_TOKEN.length))).expect(401);
    const byHook = (await api(hook).post(hook).set(as(WEBHOOK_TOKEN)).send({ anything: 'ignored' }).expect(202)).body;
    await eventually(() => dave.alerts.some((a) => a.alertId === byHook.id), 5_000, 'the webhook firing to arrive');

    // The CLI, as an operator runs it.
    const cli = join(repoRoot(), 'dist', 'libs', 'cli', 'src', 'herald.js');
    const ok = await run(process.execPath, [cli, 'emergency', 'fire', t.id, '--url', h.route('/api/emergency')], { env: { ...process.env, HERALD_TOKEN: grace } });
    assert.match(ok.stdout, new RegExp(`^Fired template ${t.id}: alert \\S+ "EVACUATE building A now" is going out now`));
    await eventually(() => alice.alerts.filter((a) => a.title === 'EVACUATE building A now').length === 3, 5_000, 'the CLI firing to arrive');
    const refused = await run(process.execPath, [cli, 'emergency', 'fire', t.id, '--url', h.route('/api/emergency')], { env: { ...process.env, HERALD_TOKEN: frank } }).then(
      () => assert.fail('a refused firing must not exit 0'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refused \(403\).*Nothing was sent/);

    const trail = await eventually(async () => {
      const entries: { action: string; actor: string; details: { channel?: string } }[] = (await api('/api/audit').get('/api/audit').set(as(heidi)).expect(200)).body.entries;
      const mine = entries.filter((e) => e.action.startsWith('emergency.'));
      return mine.length >= 8 ? mine : null;
    }, 5_000, 'every firing attempt in the audit trail');
    const count = (action: string, channel: string) => trail.filter((e) => e.action === action && e.details.channel === channel).length;
    assert.equal(count('emergency.fired', 'api'), 2, 'API and CLI firings');
    assert.equal(count('emergency.fired', 'webhook'), 1);
    assert.equal(count('emergency.refused', 'api'), 3, 'frank by API and by CLI, and a missing template (a malformed request is refused before it is an attempt)');
    assert.equal(count('emergency.refused', 'webhook'), 2);
  });

  test('the accountability board counts answers live, lists who to call, and "all clear" ends the emergency everywhere', async () => {
    const [grace, frank] = await Promise.all([login(h.route, DEMO.crisis), login(h.route, DEMO.author)]);
    const [alice, dave, erin] = await Promise.all([connect('alice'), connect('dave'), connect('erin')]);
    const sent = await sendAlert(h.route, grace, emergencyTo(['alice', 'dave', 'erin']));
    await eventually(() => [alice, dave, erin].every((r) => r.alerts.some((a) => a.alertId === sent.id)), 5_000, 'all three to receive it');
    await api('/api/alerts').get(`/api/alerts/${sent.id}/summary`).set('authorization', `Bearer ${frank}`).expect(403);

    // The live board: server-sent events, read as an admin console would.
    type Summary = { byState: Record<string, number>; byResponse: { id: string; count: number }[]; unanswered: { userId: string; mail?: string; phone?: string; department?: string; location?: string }[]; allClearAt: string | null };
    const stream = await SseReader.open(`${h.route('/api/alerts')}/api/alerts/${sent.id}/summary/stream`, grace);
    assert.equal(stream.response.statusCode, 200);
    assert.match(String(stream.response.headers['content-type']), /^text\/event-stream/);
    const events = () => stream.events<Summary>('summary');
    try {
      await eventually(() => events().length > 0, 5_000, 'the first summary event');
      assert.equal(events()[0].unanswered.length, 3);
      await alice.respond(sent.occurrenceId, 'safe');
      await dave.respond(sent.occurrenceId, 'help', 'ankle');
      const answered = await eventually(() => events().find((e) => e.byResponse.every((r) => r.count === 1)), 5_000, 'the board to show both answers');
      assert.deepEqual(answered.byResponse.map((r) => [r.id, r.count]), [['safe', 1], ['help', 1]]);
      assert.equal(answered.byState.responded, 2);
      assert.deepEqual(answered.unanswered.map(({ userId, mail, phone, department, location }) => ({ userId, mail, phone, department, location })), [
        { userId: 'erin', mail: 'erin@example.com', phone: '+33 1 99 00 00 25 (ext. 2)', department: 'Operations', location: 'Paris' },
      ]);

      await api('/api/alerts').post(`/api/alerts/${sent.id}/all-clear`).set('authorization', `Bearer ${frank}`).expect(403);
      await api('/api/alerts').post(`/api/alerts/${sent.id}/all-clear`).set('authorization', `Bearer ${grace}`).expect(202);
      await eventually(() => erin.recalls.some((r) => r.alertId === sent.id && r.reason === 'all-clear'), 5_000, "erin's screen to be cleared");
      const closed = await eventually(() => events().find((e) => e.allClearAt !== null), 5_000, 'the board to show the all clear');
      assert.equal(closed.byState.recalled, 1, 'erin, who never answered, is recalled');
      assert.equal(closed.byState.responded, 2, 'answers stand');
      const now = (await api('/api/alerts').get(`/api/alerts/${sent.id}/summary`).set('authorization', `Bearer ${grace}`).expect(200)).body;
      assert.deepEqual(now, closed, 'the stream and the summary agree');
    } finally {
      stream.close();
    }
  });

  test('a template with reminders is fired through the scheduler: it arrives at once and unanswered people will be reminded', async () => {
    const [carol, grace] = await Promise.all([login(h.route, DEMO.admin), login(h.route, DEMO.crisis)]);
    const t = (
      await api('/api/templates')
        .post('/api/templates')
        .set('authorization', `Bearer ${carol}`)
        .send({ name: 'Shelter in place', title: 'Shelter in place', body: '<p>Stay inside.</p>', audience: { users: ['bob'], groups: [] }, reminders: { everyMinutes: 5, maxCount: 3 } })
        .expect(201)
    ).body;
    const bob = await connect('bob');
    const fired = (await api('/api/emergency').post('/api/emergency').set('authorization', `Bearer ${grace}`).send({ templateId: t.id }).expect(202)).body;
    assert.equal(fired.status, 'scheduled');
    assert.deepEqual(fired.schedule.spec.reminders, { everyMinutes: 5, maxCount: 3 });
    const got = await eventually(() => bob.alerts.find((a) => a.alertId === fired.id), 10_000, 'the first firing on the next scheduler tick');
    assert.equal(got.severity, 'emergency');
    assert.deepEqual(got.responses, SAFE_OR_HELP);
  });
});

