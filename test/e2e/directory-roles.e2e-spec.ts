import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { DEMO, eventually, Harness, launchChromium, login, newAlert, Recipient, sendAlert, startSingleNode } from '@herald/testing';

/**
 * The demo as a user meets it (`npm start`): roles from the demo directory's groups, an author confined to
 * engineering, a crisis sender, an auditor, audiences with exclusions and saved audiences, a session refresh.
 */
describe('directory, audiences and roles — single-node demo', () => {
  let h: Harness;
  const sockets: Recipient[] = [];
  const api = (path: string) => request(h.route(path));

  before(async () => {
    h = await startSingleNode();
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await h?.close();
  });

  test('the picker, preview and a saved "all-staff except developers" audience', async () => {
    const admin = await login(h.route, DEMO.admin);
    const auth = { authorization: `Bearer ${admin}` };
    const found = (await api('/api/directory/search').get('/api/directory/search').query({ q: 'eng' }).set(auth).expect(200)).body;
    assert.deepEqual(found.groups.map((g: { name: string }) => g.name), ['engineering']);
    const preview = (await api('/api/audiences').post('/api/audiences/preview').set(auth).send({ audience: { groups: ['all-staff'], exclude: { groups: ['developers'] } } }).expect(200)).body;
    assert.equal(preview.count, 2);
    assert.deepEqual(preview.members.map((m: { id: string }) => m.id), ['dave', 'erin']);
    const byFilter = (await api('/api/audiences').post('/api/audiences/preview').set(auth).send({ audience: { filter: '(l=Paris)', exclude: { users: ['carol'] } } }).expect(200)).body;
    assert.deepEqual(byFilter.members.map((m: { id: string }) => m.id), ['alice', 'erin', 'frank']);
    const saved = (await api('/api/audiences').post('/api/audiences').set(auth).send({ name: 'Staff but developers', audience: { groups: ['all-staff'], exclude: { groups: ['developers'] } } }).expect(201)).body;

    const [alice, dave, erin] = await Promise.all(['alice', 'dave', 'erin'].map(async (u) => Recipient.connect(h.gatewayUrl, await login(h.route, u))));
    sockets.push(alice, dave, erin);
    const alert = (await api('/api/alerts').post('/api/alerts').set(auth).send(newAlert({ audience: { audiences: [saved.id] } })).expect(201)).body;
    await api('/api/alerts').post(`/api/alerts/${alert.id}/send`).set(auth).expect(202);
    await eventually(() => dave.alerts.length === 1 && erin.alerts.length === 1, 5_000, 'dave and erin to receive the alert');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(alice.alerts.length, 0, 'developers are excluded');
  });

  test('frank (author) sends to engineering only; grace (crisis) sends critical alerts; heidi (auditor) reads', async () => {
    const [frank, grace, heidi] = await Promise.all([DEMO.author, DEMO.crisis, DEMO.auditor].map((u) => login(h.route, u)));
    const post = (t: string, body: Record<string, unknown>) => api('/api/alerts').post('/api/alerts').set('authorization', `Bearer ${t}`).send(body);
    const own = (await post(frank, newAlert({ audience: { groups: ['developers'] } })).expect(201)).body;
    await post(frank, newAlert({ audience: { groups: ['all-staff'] } })).expect(403);
    await post(frank, newAlert({ severity: 'critical', audience: { groups: ['engineering'] } })).expect(403);
    await post(grace, newAlert({ severity: 'critical', audience: { everyone: true } })).expect(201);
    await post(heidi, newAlert()).expect(403);
    await api('/api/alerts').get(`/api/alerts/${own.id}`).set('authorization', `Bearer ${heidi}`).expect(200);
    // the auditor reads the audit trail, where frank's refusals are recorded
    const trail = await eventually(async () => {
      const res = await api('/api/audit').get('/api/audit').set('authorization', `Bearer ${heidi}`).expect(200);
      const denied = res.body.entries.filter((e: { action: string; actor: string }) => e.action === 'auth.denied' && e.actor === DEMO.author);
      return denied.length === 2 ? denied : null;
    }, 5_000, "frank's two refusals in the audit trail");
    assert.match(trail[0].details.reason, /outside your scope/);
    await api('/api/audit').get('/api/audit').set('authorization', `Bearer ${frank}`).expect(403);
  });

  test('a session is refreshed with its refresh token, which works once', async () => {
    const first = (await api('/api/auth/login').post('/api/auth/login').send({ username: 'carol', password: DEMO.password }).expect(200)).body;
    const second = (await api('/api/auth/refresh').post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    assert.deepEqual(second.user.roles, ['admin', 'recipient']);
    await api('/api/alerts').post('/api/alerts').set('authorization', `Bearer ${second.token}`).send(newAlert()).expect(201);
    await api('/api/auth/refresh').post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
  });

  test('the web client trades a refused access token for a new one with its refresh token, and keeps working', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(h.gatewayUrl);
      await page.fill('#username', 'alice');
      await page.fill('#password', DEMO.password);
      await page.click('button[type=submit]');
      await page.waitForSelector('#status[data-status=connected]');
      const before = await page.evaluate(() => JSON.parse(localStorage.getItem('herald.session')!) as { token: string; refreshToken: string });
      assert.ok(before.refreshToken, 'the session keeps a refresh token');
      // what an expired access token looks like to the gateway: refused at the socket handshake
      await page.evaluate(() => localStorage.setItem('herald.session', JSON.stringify({ ...JSON.parse(localStorage.getItem('herald.session')!), token: 'expired.access.token' })));
      await page.reload();
      await page.waitForSelector('#status[data-status=connected]');
      const after = await page.evaluate(() => JSON.parse(localStorage.getItem('herald.session')!) as { token: string; refreshToken: string });
      assert.notEqual(after.token, 'expired.access.token');
      assert.notEqual(after.refreshToken, before.refreshToken, 'the refresh token rotated');
      const admin = await login(h.route, DEMO.admin);
      const sent = await sendAlert(h.route, admin, newAlert({ title: 'After refresh', audience: { users: ['alice'], groups: [] } }));
      await page.locator(`[data-occurrence="${sent.occurrenceId}"]`).first().waitFor();
    } finally {
      await browser.close();
    }
  });
});
