import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DesktopNotification, HeraldAgent, loadAgentConfig } from '@herald/agent';
import { DEMO, deliveriesOf, eventually, Harness, login, newAlert, repoRoot, sendAlert, startSingleNode } from '@herald/testing';

/** Stands in for the OS: records notifications and opened pages (this test only; the CLI uses node-notifier). */
class DesktopRecorder {
  readonly notifications: DesktopNotification[] = [];
  readonly opened: string[] = [];
  readonly clicks = new Map<string, () => void>();
  readonly notifier = { notify: (n: DesktopNotification, onClick: () => void) => (this.notifications.push(n), this.clicks.set(n.occurrenceId, onClick)) };
  readonly opener = { open: (url: string) => void this.opened.push(url) };
}

describe('herald-agent against a running Herald', () => {
  let h: Harness;
  let admin: string;
  const dir = mkdtempSync(join(tmpdir(), 'herald-agent-'));
  const agents: HeraldAgent[] = [];

  before(async () => {
    h = await startSingleNode();
    admin = await login(h.route, DEMO.admin);
  });
  after(async () => {
    agents.forEach((a) => a.stop());
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function agent(env: Record<string, string>): { a: HeraldAgent; desk: DesktopRecorder } {
    const desk = new DesktopRecorder();
    const config = loadAgentConfig([], { HERALD_URL: h.gatewayUrl, HERALD_AGENT_STATE: join(dir, 'state.json'), ...env });
    const a = new HeraldAgent(config, { notifier: desk.notifier, opener: desk.opener });
    agents.push(a);
    a.start();
    return { a, desk };
  }

  test('signs in, notifies natively, opens the full-screen page, reports the machine; no repeat after a restart', async () => {
    const one = agent({ HERALD_USERNAME: 'bob', HERALD_PASSWORD: DEMO.password });
    await eventually(() => one.a.status === 'connected', 10_000, 'the agent to connect');

    const popup = await sendAlert(h.route, admin, newAlert({ title: 'Server room door open', body: '<p>Close it &amp; <b>lock</b> it.</p>', audience: { users: ['bob'], groups: [] } }));
    const full = await sendAlert(h.route, admin, newAlert({ title: 'Evacuate', body: '<p>Now.</p>', severity: 'critical', presentation: 'fullscreen', audience: { users: ['bob'], groups: [] } }));
    await eventually(() => one.desk.notifications.length === 2, 10_000, 'two notifications');
    assert.deepEqual(one.desk.notifications, [
      { occurrenceId: popup.occurrenceId, title: 'Server room door open', message: 'Close it & lock it.', severity: 'warning' },
      { occurrenceId: full.occurrenceId, title: 'Evacuate', message: 'Now.', severity: 'critical' },
    ]);
    assert.deepEqual(one.desk.opened, [`${h.gatewayUrl}/#alert=${encodeURIComponent(full.occurrenceId)}`], 'only the full-screen alert opens the browser by itself');
    one.desk.clicks.get(popup.occurrenceId)!();
    assert.equal(one.desk.opened[1], `${h.gatewayUrl}/#alert=${encodeURIComponent(popup.occurrenceId)}`, 'a click opens the web client');

    await eventually(async () => (await deliveriesOf(h.route, admin, popup.id))[0].displayedAt, 10_000, 'displayed recorded');
    const audit = await request(h.gatewayUrl).get(`/api/audit?alertId=${popup.id}`).set('authorization', `Bearer ${admin}`).expect(200);
    const client = audit.body.entries.find((e: { action: string }) => e.action === 'delivery.displayed').details.client as string;
    assert.ok(client.startsWith(`agent host=${hostname()}`), `machine name recorded (${client})`);
    one.a.stop();

    // Restarted with the same state file and a configured token: both alerts are still pending server-side, but
    // the machine already showed them, so nothing is notified twice.
    const bobToken = await login(h.route, 'bob');
    const two = agent({ HERALD_TOKEN: bobToken });
    await eventually(() => two.a.status === 'connected', 10_000, 'the restarted agent');
    const third = await sendAlert(h.route, admin, newAlert({ title: 'After restart', audience: { users: ['bob'], groups: [] } }));
    await eventually(() => two.desk.notifications.length === 1, 10_000, 'the new alert');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(two.desk.notifications.map((n) => n.occurrenceId), [third.occurrenceId]);
    assert.deepEqual(two.desk.opened, []);
  });

  test('refused credentials stop the agent instead of retrying forever; the command line names a bad setting', async () => {
    const wrong = agent({ HERALD_USERNAME: 'bob', HERALD_PASSWORD: 'not-the-password', HERALD_AGENT_STATE: join(dir, 'other.json') });
    await eventually(() => wrong.a.status === 'unauthorized', 10_000, 'the agent to give up');

    const cli = join(repoRoot(), 'dist', 'libs', 'agent', 'src', 'cli.js');
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, [cli], { env: { PATH: process.env.PATH, ...env }, timeout: 10_000 }, (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }));
      });
    const noUrl = await run({ HERALD_TOKEN: 't' });
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /HERALD_URL/);
    const noCredentials = await run({ HERALD_URL: h.gatewayUrl });
    assert.equal(noCredentials.code, 2);
    assert.match(noCredentials.stderr, /HERALD_TOKEN/);
  });

  test('"herald-agent dnd": pauses info/warning for a while, shows it, ends it; bad durations and credentials exit with their codes', async () => {
    const cli = join(repoRoot(), 'dist', 'libs', 'agent', 'src', 'cli.js');
    const run = (args: string[], env: Record<string, string> = {}) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        execFile(process.execPath, [cli, 'dnd', ...args], { env: { PATH: process.env.PATH, HERALD_URL: h.gatewayUrl, HERALD_USERNAME: 'erin', HERALD_PASSWORD: DEMO.password, ...env }, timeout: 15_000 }, (e, out, err) =>
          resolve({ code: e ? ((e as { code?: number }).code ?? null) : 0, out, err }),
        );
      });
    const erin = await login(h.route, 'erin');
    const settings = async () => (await request(h.gatewayUrl).get('/api/me/do-not-disturb').set('authorization', `Bearer ${erin}`).expect(200)).body;

    const before = Date.now();
    const on = await run(['2h']);
    assert.equal(on.code, 0, on.err);
    const s = await settings();
    assert.equal(s.active, true);
    assert.ok(Math.abs(Date.parse(s.until) - before - 2 * 3_600_000) < 30_000, s.until);
    assert.equal(on.out.trim(), `do not disturb: on until ${s.until}`);
    assert.equal((await run(['status'])).out.trim(), `do not disturb: on until ${s.until}`);

    const off = await run(['off']);
    assert.deepEqual([off.code, off.out.trim()], [0, 'do not disturb: off']);
    assert.equal((await settings()).until, null);

    const bad = await run(['soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /"soon" is not a duration/);
    assert.equal((await run(['30m'], { HERALD_PASSWORD: 'wrong' })).code, 1, 'refused sign-in');
    assert.equal((await run(['30m'], { HERALD_URL: 'http://127.0.0.1:9' })).code, 3, 'Herald unreachable');
  });
});
