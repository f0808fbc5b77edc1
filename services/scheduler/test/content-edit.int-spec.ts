import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { ClientAlert } from '@herald/contracts';
import { eventually, login } from '@herald/testing';
import { ClockedHerald, STORE_VARIANTS } from './clocked-herald';

const DAY = 24 * 60;

/** Editing the content of a scheduled alert: the next occurrence says the new thing, a fired one keeps what it said. */
for (const store of STORE_VARIANTS) describe(`edit a scheduled alert (in-process, ManualClock, ${store.name})`, () => {
  let h: ClockedHerald;
  before(async () => {
    h = await ClockedHerald.start(store.env());
  });
  after(async () => h?.close());

  const edit = (id: string, body: unknown) => h.api('patch', `/api/alerts/${id}`).send(body as object);
  const quiet = () => new Promise((r) => setTimeout(r, 300));
  const ofAlert = (alerts: ClientAlert[], id: string) => alerts.filter((a) => a.alertId === id);

  test('edited between two occurrences of a recurrence: the next one carries the new content and audience, the fired one keeps the old', async () => {
    const [alice, bob] = [await h.connect('alice'), await h.connect('bob')];
    const id = await h.sendAlert({ at: h.iso(1), rrule: 'FREQ=DAILY', validFor: 'P2D' }, { title: 'Stand-up v1', body: '<p>old</p>' });
    await h.advance(1);
    await eventually(() => ofAlert(alice.alerts, id).length === 1 && ofAlert(bob.alerts, id).length === 1, 5_000, 'first occurrence');
    const first = ofAlert(alice.alerts, id)[0];
    assert.equal(first.title, 'Stand-up v1');

    const res = await edit(id, { title: 'Stand-up v2', body: '<p>new <script>alert(1)</script><b onclick="x()">bold</b></p>', audience: { users: ['alice'], groups: [] } }).expect(200);
    assert.equal(res.body.title, 'Stand-up v2');
    assert.equal(res.body.body, '<p>new <b>bold</b></p>', 'sanitised as at creation');
    assert.equal(res.body.status, 'scheduled');
    assert.equal(res.body.editedBy, 'carol');
    assert.equal((await h.api('get', `/api/schedules/${id}`).expect(200)).body.title, 'Stand-up v2');

    await h.advance(DAY);
    await eventually(() => ofAlert(alice.alerts, id).length === 2, 5_000, 'second occurrence');
    const second = ofAlert(alice.alerts, id)[1];
    assert.notEqual(second.occurrenceId, first.occurrenceId);
    assert.deepEqual([second.title, second.body], ['Stand-up v2', '<p>new <b>bold</b></p>']);
    await quiet();
    assert.equal(ofAlert(bob.alerts, id).length, 1, 'bob left the audience: only the occurrence sent before the edit');

    // Both still valid: on reconnect each occurrence shows what it was sent with.
    const again = await h.connect('alice');
    await eventually(() => ofAlert(again.alerts, id).length === 2, 5_000, 'pending set');
    const byOcc = new Map(ofAlert(again.alerts, id).map((a) => [a.occurrenceId, a.title]));
    assert.equal(byOcc.get(first.occurrenceId), 'Stand-up v1');
    assert.equal(byOcc.get(second.occurrenceId), 'Stand-up v2');

    const audit = await eventually(async () => {
      const entries = (await h.api('get', `/api/audit?alertId=${id}`).expect(200)).body.entries.filter((e: { action: string }) => e.action === 'alert.edited');
      return entries.length ? entries : null;
    }, 5_000, 'the edit audited');
    assert.equal(audit[0].actor, 'carol');
    assert.equal(audit[0].details.before.title, 'Stand-up v1');
    assert.equal(audit[0].details.after.title, 'Stand-up v2');
    assert.deepEqual(audit[0].details.after.audience, { users: ['alice'], groups: [] });
  });

  test('bad edits are refused naming the field, an author may not take over a critical alert, sent or ended alerts are 409', async () => {
    const id = await h.sendAlert({ at: h.iso(60) });
    const popup = await edit(id, { presentation: 'ticker' });
    assert.equal(popup.status, 200, JSON.stringify(popup.body));
    assert.deepEqual([popup.body.presentation, popup.body.title], ['ticker', 'Scheduled'], 'fields left out keep their value');
    await edit(id, { presentation: 'ticker' }).expect(200); // the same edit again, at the same instant: not a conflict
    assert.match((await edit(id, { title: '' }).expect(400)).body.message, /^title: /);
    assert.match((await edit(id, { presentation: 'fullscreen' }).expect(400)).body.message, /^presentation: fullscreen is only for critical, emergency/);
    assert.match((await edit(id, { colour: 'red' }).expect(400)).body.message, /colour|unrecognized/i);
    assert.match((await edit(id, {}).expect(400)).body.message, /nothing to change/);
    assert.match((await edit(id, { audience: { users: ['nobody-here'], groups: [] } }).expect(422)).body.message, /nobody-here/);

    // Raised to critical, full screen: a valid edit for an admin.
    const raised = await edit(id, { severity: 'critical', presentation: 'fullscreen' }).expect(200);
    assert.deepEqual([raised.body.severity, raised.body.presentation], ['critical', 'fullscreen']);
    const frank = await login(() => h.url, 'frank');
    await request(h.url).patch(`/api/alerts/${id}`).set('authorization', `Bearer ${frank}`).send({ title: 'mine now' }).expect(403);
    const bob = await login(() => h.url, 'bob');
    await request(h.url).patch(`/api/alerts/${id}`).set('authorization', `Bearer ${bob}`).send({ title: 'mine now' }).expect(403);
    assert.equal((await h.api('get', `/api/alerts/${id}`).expect(200)).body.title, 'Scheduled', 'refused edits change nothing');

    await h.api('post', `/api/alerts/${id}/recall`).expect(202);
    assert.match((await edit(id, { title: 'too late' }).expect(409)).body.message, /recalled/);
    const now = (await h.api('post', '/api/alerts').send({ title: 'now', body: 'b', severity: 'info', audience: { users: ['dave'], groups: [] } }).expect(201)).body.id;
    await h.api('post', `/api/alerts/${now}/send`).expect(202);
    assert.match((await edit(now, { title: 'too late' }).expect(409)).body.message, /already sent/);
  });

  test('a draft is edited in place; a schedule that has ended refuses the edit', async () => {
    const draft = (await h.api('post', '/api/alerts').send({ title: 'draft', body: 'b', severity: 'info', audience: { users: ['dave'], groups: [] } }).expect(201)).body.id;
    assert.equal((await edit(draft, { title: 'draft v2' }).expect(200)).body.title, 'draft v2');

    const once = await h.sendAlert({ at: h.iso(1), validFor: 'PT10M' });
    await h.advance(1);
    assert.equal((await h.api('get', `/api/schedules/${once}`).expect(200)).body.status, 'done');
    assert.match((await edit(once, { title: 'after the fact' }).expect(409)).body.message, /done/);
  });
});
