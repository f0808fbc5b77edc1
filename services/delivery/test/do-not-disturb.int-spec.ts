import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { ClientAlert, DeliveryView } from '@herald/contracts';
import { eventually, login, Recipient } from '@herald/testing';
import { ClockedHerald, STORE_VARIANTS } from '../../scheduler/test/clocked-herald';
import { HoldReleaser } from '../src/do-not-disturb/hold-releaser';

const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Do-not-disturb: info/warning wait for the end of a recipient's quiet period; critical and emergency never do. */
for (const store of STORE_VARIANTS) describe(`do-not-disturb (all services in-process, ManualClock, real sockets, ${store.name})`, () => {
  let h: ClockedHerald;
  let alice = '';
  before(async () => {
    // The releaser's own timer is off: the test runs it (and moves the clock) itself.
    h = await ClockedHerald.start({ DND_RELEASE_TICK_MS: '3600000', ...store.env() });
    alice = await login(() => h.url, 'alice');
  });
  after(async () => h?.close());

  const dnd = (token = alice) => ({
    get: () => request(h.url).get('/api/me/do-not-disturb').set('authorization', `Bearer ${token}`),
    put: (body: unknown) => request(h.url).put('/api/me/do-not-disturb').set('authorization', `Bearer ${token}`).send(body as object),
  });
  const send = async (title: string, severity: string, extra: Record<string, unknown> = {}) => {
    const created = await h.api('post', '/api/alerts').send({ title, body: 'b', severity, audience: { users: ['alice', 'bob'], groups: [] }, ...extra }).expect(201);
    await h.api('post', `/api/alerts/${created.body.id}/send`).expect(202);
    return created.body.id as string;
  };
  const deliveryOf = async (id: string, user: string): Promise<DeliveryView | undefined> => (await h.api('get', `/api/alerts/${id}/deliveries`).expect(200)).body.deliveries.find((d: DeliveryView) => d.userId === user);
  const titles = (r: Recipient) => r.alerts.map((a: ClientAlert) => a.title).sort();
  const quiet = () => new Promise((r) => setTimeout(r, 300));
  const release = () => h.herald.app.get(HoldReleaser).tick();

  test('settings are the signed-in user\'s own, validated naming the field', async () => {
    assert.deepEqual((await dnd().get().expect(200)).body, { quietHours: null, until: null, active: false, activeUntil: null, updatedAt: null });
    await request(h.url).get('/api/me/do-not-disturb').expect(401);
    const bad = async (body: unknown, field: RegExp) => assert.match((await dnd().put(body).expect(400)).body.message, field);
    await bad({ quietHours: { days: ['mon'], from: '18:00', to: '08:00', timezone: 'Mars/Olympus' } }, /^quietHours\.timezone: unknown time zone/);
    await bad({ quietHours: { days: ['someday'], from: '18:00', to: '08:00', timezone: 'UTC' } }, /^quietHours\.days\.0: /);
    await bad({ quietHours: { days: ['mon'], from: '8am', to: '08:00', timezone: 'UTC' } }, /^quietHours\.from: a time of day HH:mm/);
    await bad({ until: h.iso(-1) }, /^until: must be in the future/);
    await bad({ until: 'tonight' }, /^until: /);
    await bad({ mood: 'grumpy' }, /mood/);

    const weeknights = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '18:00', to: '08:00', timezone: 'Europe/Paris' };
    const saved = (await dnd().put({ quietHours: weeknights }).expect(200)).body;
    assert.deepEqual(saved.quietHours, weeknights);
    assert.equal(saved.updatedAt, h.clock.now().toISOString());
    assert.deepEqual((await dnd().get().expect(200)).body.quietHours, weeknights, 'read back');
    assert.equal((await dnd(await login(() => h.url, 'bob')).get().expect(200)).body.quietHours, null, "bob does not see alice's");
    await dnd().put({}).expect(200);
    assert.equal((await dnd().get().expect(200)).body.quietHours, null, 'turned off');
  });

  test('"until": info and warning are held (heldUntil) and pushed at its end; critical and emergency come through at once', async () => {
    const [a, bob] = [await h.connect('alice'), await h.connect('bob')];
    const until = h.iso(60);
    const on = (await dnd().put({ until }).expect(200)).body;
    assert.deepEqual([on.active, on.activeUntil], [true, until]);

    const info = await send('canteen', 'info');
    await send('printer', 'warning');
    await send('gas leak', 'critical');
    await send('evacuate', 'emergency');
    await eventually(() => bob.alerts.length === 4, 5_000, 'bob (no do-not-disturb) gets all four');
    await eventually(() => a.alerts.length === 2, 5_000, 'alice gets the urgent ones');
    await quiet();
    assert.deepEqual(titles(a), ['evacuate', 'gas leak']);
    const held = await deliveryOf(info, 'alice');
    assert.deepEqual([held?.state, held?.heldUntil], ['targeted', until], 'the delivery shows it is held, and until when');
    assert.equal((await deliveryOf(info, 'bob'))?.heldUntil, null);

    const during = await h.connect('alice');
    await eventually(() => during.alerts.length === 2, 5_000, 'pending on connect');
    await quiet();
    assert.deepEqual(titles(during), ['evacuate', 'gas leak'], 'reconnecting during the quiet period changes nothing');

    h.clock.advance(59 * 60_000);
    assert.equal(await release(), 0, 'nothing before the end');
    h.clock.advance(60_000);
    assert.equal(await release(), 2);
    await eventually(() => a.alerts.length === 4, 5_000, 'the held ones at the end of the period');
    assert.deepEqual(titles(a), ['canteen', 'evacuate', 'gas leak', 'printer']);
    assert.equal(await release(), 0, 'released once');
    await eventually(async () => (await deliveryOf(info, 'alice'))?.state === 'sent', 5_000, 'sent once pushed');
    const audit = (await h.api('get', `/api/audit?alertId=${info}`).expect(200)).body.entries.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`);
    assert.ok(audit.includes('delivery.held:system') && audit.includes('delivery.released:system'), audit.join());
  });

  test('quiet hours in a time zone; a held alert whose validity ends inside them expires and is never pushed; connecting after the window gets the rest', async () => {
    const now = h.clock.now();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    // A two-hour window around now (UTC), every day.
    await dnd().put({ quietHours: { days: ALL_DAYS, from: hhmm(new Date(now.getTime() - 3_600_000)), to: hhmm(new Date(now.getTime() + 3_600_000)), timezone: 'UTC' } }).expect(200);
    const end = new Date(now.getTime() + 3_600_000);
    end.setUTCSeconds(0, 0);
    const a = await h.connect('alice');
    const shortLived = await send('coffee machine', 'info', { validUntil: h.iso(30) });
    const lasting = await send('parking', 'warning');
    await eventually(async () => (await deliveryOf(lasting, 'alice'))?.heldUntil === end.toISOString(), 5_000, 'held until the end of the window');

    await h.advance(31);
    await eventually(async () => (await deliveryOf(shortLived, 'alice'))?.state === 'expired', 5_000, 'expired inside the window');
    a.close();
    h.clock.set(end);
    // No release tick: the recipient connects after the window and gets what is still valid.
    const later = await h.connect('alice');
    await eventually(() => later.alerts.some((x) => x.alertId === lasting), 5_000, 'the held warning on connect');
    await quiet();
    assert.ok(!later.alerts.some((x) => x.alertId === shortLived), 'the expired one never shows');
    assert.equal(a.alerts.filter((x) => x.alertId === lasting || x.alertId === shortLived).length, 0, 'nothing was pushed during the window');
  });

  test('ending do-not-disturb early pushes what it held at once; a reminder is not pushed into quiet hours', async () => {
    await dnd().put({}).expect(200);
    const a = await h.connect('alice');
    await dnd().put({ until: h.iso(120) }).expect(200);
    const id = await h.sendAlert({ at: h.iso(1), validFor: 'PT3H', reminders: { everyMinutes: 15, maxCount: 1 } }, { title: 'standup', audience: { users: ['alice'], groups: [] } });
    await h.advance(1);
    await eventually(async () => (await deliveryOf(id, 'alice'))?.heldUntil !== null, 5_000, 'held');
    await h.advance(15);
    await quiet();
    assert.equal(a.alerts.filter((x) => x.alertId === id).length, 0, 'no reminder during quiet hours');
    assert.equal((await deliveryOf(id, 'alice'))?.reminders, 0, 'and not counted');

    const off = (await dnd().put({}).expect(200)).body;
    assert.equal(off.active, false);
    await eventually(() => a.alerts.some((x) => x.alertId === id), 5_000, 'pushed as soon as it was turned off');
    assert.equal((await deliveryOf(id, 'alice'))?.heldUntil, h.clock.now().toISOString(), 'held until the moment it was turned off');
  });
});
