import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DEMO, eventually, generateDirectory, Harness, login, Recipient, startSingleNode, writeDemoLdifWith } from '@herald/testing';

/** Crowd size: enough real sockets to show the whole path at once, small enough for a shared 2-core CI machine. */
const PEOPLE = 150;
const BASE = 'ou=crowd,dc=example,dc=com';

/**
 * The proof at CI scale: a directory of 150 generated people (beside the demo's crisis team, in the
 * single-node LDIF directory), every one connected over a real Socket.IO socket; one request fires a template;
 * everyone receives it, everyone answers, and the board's counts match exactly.
 */
describe(`emergency to ${PEOPLE} connected people — single-node`, () => {
  let h: Harness;
  let dir: string;
  const sockets: Recipient[] = [];
  const crowd = generateDirectory({ base: BASE, prefix: 'crowd-', users: PEOPLE, groups: 3, depth: 1, regions: 1, teamsPerRegion: 1, password: DEMO.password });
  // The single-node LDIF directory applies no disabled-account filter (LDAP_DISABLED_FILTER is empty), so all are recipients.
  const people = crowd.users.map((u) => u.uid);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-crowd-'));
    h = await startSingleNode({ DIRECTORY_LDIF: writeDemoLdifWith(crowd, join(dir, 'directory.ldif')) });
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one request reaches every screen; every answer is counted exactly', async () => {
    const [carol, grace] = await Promise.all([login(h.route, DEMO.admin), login(h.route, DEMO.crisis)]);
    const tokens: string[] = [];
    for (const u of people) tokens.push(await login(h.route, u));
    for (let i = 0; i < tokens.length; i += 25) sockets.push(...(await Promise.all(tokens.slice(i, i + 25).map((t) => Recipient.connect(h.gatewayUrl, t)))));

    const template = (
      await request(h.route('/api/templates'))
        .post('/api/templates')
        .set('authorization', `Bearer ${carol}`)
        .send({ name: 'Lockdown', title: 'Lockdown: stay where you are', body: '<p>Lock the door. Answer below.</p>', audience: { groups: ['crowd-all-staff'] } })
        .expect(201)
    ).body;
    const fired = (await request(h.route('/api/emergency')).post('/api/emergency').set('authorization', `Bearer ${grace}`).send({ templateId: template.id }).expect(202)).body;
    await eventually(() => sockets.every((s) => s.alerts.some((a) => a.alertId === fired.id)), 30_000, `all ${people.length} sockets to receive the emergency`);

    const replies = await Promise.all(sockets.map((s, i) => s.respond(fired.occurrenceId, i % 3 === 0 ? 'help' : 'safe')));
    assert.ok(replies.every((r) => r.ok));
    const help = sockets.filter((_, i) => i % 3 === 0).length;
    const summary = await eventually(
      async () => {
        const s = (await request(h.route('/api/alerts')).get(`/api/alerts/${fired.id}/summary`).set('authorization', `Bearer ${grace}`).expect(200)).body;
        return s.byState.responded === people.length ? s : null;
      },
      30_000,
      'every answer on the board',
    );
    assert.equal(summary.recipients, people.length);
    assert.deepEqual(summary.byResponse.map((r: { id: string; count: number }) => [r.id, r.count]), [
      ['safe', people.length - help],
      ['help', help],
    ]);
    assert.deepEqual(summary.unanswered, []);
  });
});
