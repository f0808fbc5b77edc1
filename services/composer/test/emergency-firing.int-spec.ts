import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { DEMO, deliveriesOf, eventually, login, Recipient, uniqueName } from '@herald/testing';
import { EXIT, runEmergencyCommand } from '@herald/cli';
import { ClockedHerald, STORE_VARIANTS } from '../../scheduler/test/clocked-herald';

const WEBHOOK_TOKEN = 'test-emergency-webhook-token-0123456789';
type Entry = { action: string; actor: string; alertId?: string; subject: string; details: Record<string, unknown> };

/**
 * Retried firings through real HTTP, every service in this process on a ManualClock, on both stores: an
 * Idempotency-Key makes `POST /api/emergency` and the webhook fire once however often (and however concurrently) a
 * request is repeated, and the webhook's per-template limit cuts a flapping monitor off with 429 + Retry-After.
 * What went out is checked where it lands (the recipient's socket and the deliveries), not only in the answers.
 */
for (const store of STORE_VARIANTS) describe(`emergency firing retries and webhook limit (in-process, ManualClock, ${store.name})`, () => {
  let h: ClockedHerald;
  let grace: string;
  let carol: string;
  let heidi: string;
  let dave: Recipient;

  before(async () => {
    h = await ClockedHerald.start({ ...store.env(), EMERGENCY_WEBHOOK_TOKEN: WEBHOOK_TOKEN, EMERGENCY_WEBHOOK_MAX_PER_MINUTE: '3', LOGIN_MAX_FAILURES_PER_CLIENT: '4', LOGIN_LOCKOUT_SECONDS: '120' });
    // 10 s into a minute, so the webhook's minute (and Retry-After) is known.
    h.clock.set(new Date(Math.floor(h.clock.now().getTime() / 60_000) * 60_000 + 70_000));
    [grace, carol, heidi] = await Promise.all([DEMO.crisis, DEMO.admin, DEMO.auditor].map((u) => login(() => h.url, u)));
    dave = await h.connect('dave');
  });
  after(async () => h?.close());

  const as = (t: string) => ({ authorization: `Bearer ${t}` });
  const template = async () => {
    const title = uniqueName('Evacuate');
    const t = (await request(h.url).post('/api/templates').set(as(carol)).send({ name: title, title, body: '<p>Use the stairs.</p>', audience: { users: ['dave'], groups: [] } }).expect(201)).body;
    return { id: t.id as string, title };
  };
  const fire = (token: string, body: Record<string, unknown>, key?: string) => {
    const r = request(h.url).post('/api/emergency').set(as(token));
    return (key === undefined ? r : r.set('Idempotency-Key', key)).send(body);
  };
  const hook = (templateId: string, key?: string, token = WEBHOOK_TOKEN) => {
    const r = request(h.url).post(`/api/emergency/webhook/${templateId}`).set(as(token));
    return key === undefined ? r : r.set('Idempotency-Key', key);
  };
  /** The alerts dave's screen got for this title, once nothing more is on its way. */
  const received = async (title: string, expected: number) => {
    await eventually(() => dave.alerts.filter((a) => a.title === title).length >= expected, 5_000, `${expected} alert(s) "${title}" on dave's screen`);
    await new Promise((r) => setTimeout(r, 300));
    return dave.alerts.filter((a) => a.title === title);
  };
  const audit = async (pred: (e: Entry) => boolean, count: number, what: string) =>
    eventually(async () => {
      const entries: Entry[] = (await request(h.url).get('/api/audit').set(as(heidi)).expect(200)).body.entries;
      const mine = entries.filter(pred);
      return mine.length >= count ? mine : null;
    }, 5_000, what);

  test('5 concurrent requests with one Idempotency-Key fire one alert; retries get it back with 200; another body is a 422', async () => {
    const t = await template();
    const key = `grace-${uniqueName('k')}`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => fire(grace, { templateId: t.id }, key)));
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 200, 200, 200, 202]);
    const id = answers.find((r) => r.status === 202)!.body.id;
    for (const r of answers) {
      assert.equal(r.body.id, id, 'every answer names the same alert');
      assert.equal(r.headers['idempotent-replayed'], r.status === 200 ? 'true' : undefined);
    }
    const retried = await fire(grace, { templateId: t.id }, key).expect(200);
    assert.equal(retried.body.id, id);
    assert.equal(retried.body.title, t.title);

    assert.equal((await received(t.title, 1)).length, 1, 'one alert on the screen');
    assert.equal((await deliveriesOf(() => h.url, carol, id)).length, 1, 'one delivery');

    const other = await fire(grace, { templateId: t.id, overrides: { title: 'Something else' } }, key).expect(422);
    assert.equal(other.body.field, 'Idempotency-Key');
    assert.match(other.body.message, /^Idempotency-Key: this key was already used with a different request/);
    // Keys are the caller's own: the same key from carol is her own firing.
    const carols = await fire(carol, { templateId: t.id }, key).expect(202);
    assert.notEqual(carols.body.id, id);
    assert.equal((await received(t.title, 2)).length, 2);

    const replays = await audit((e) => e.action === 'emergency.replayed' && e.alertId === id, 5, 'every replay in the audit trail');
    assert.deepEqual([...new Set(replays.map((e) => e.actor))], [DEMO.crisis]);
    await audit((e) => e.action === 'emergency.refused' && e.subject === `template:${t.id}` && e.details.status === 422, 1, 'the reused key in the audit trail');
  });

  test('a malformed Idempotency-Key is a 400 naming the header; without a key every request fires, as before', async () => {
    const t = await template();
    for (const bad of ['k'.repeat(129), 'caf\u00e9', '  ']) {
      const r = await fire(grace, { templateId: t.id }, bad).expect(400);
      assert.equal(r.body.field, 'Idempotency-Key', JSON.stringify(bad));
    }
    await hook(t.id, 'k'.repeat(129)).expect(400);
    const [a, b] = [await fire(grace, { templateId: t.id }).expect(202), await fire(grace, { templateId: t.id }).expect(202)];
    assert.notEqual(a.body.id, b.body.id);
    assert.equal(a.headers['idempotent-replayed'], undefined);
    assert.equal((await received(t.title, 2)).length, 2);
  });

  test('the webhook replays a key; a flapping monitor gets 429 with Retry-After past the limit, audited, and nothing more goes out', async () => {
    const t = await template();
    const first = await hook(t.id, 'monitor-incident-42').expect(202);
    const again = await Promise.all([hook(t.id, 'monitor-incident-42'), hook(t.id, 'monitor-incident-42')]);
    assert.deepEqual(again.map((r) => [r.status, r.body.id, r.headers['idempotent-replayed']]), [[200, first.body.id, 'true'], [200, first.body.id, 'true']]);
    // Replays did not count: two more firings fit in the limit of 3; then the minute is full.
    await hook(t.id).expect(202);
    await hook(t.id, 'monitor-incident-43').expect(202);
    const limited = await hook(t.id).expect(429);
    assert.equal(limited.headers['retry-after'], '50');
    assert.match(limited.body.message, /fired 3 times through the webhook this minute/);
    await hook(t.id, 'monitor-incident-44').expect(429);
    assert.equal((await hook(t.id, 'monitor-incident-42').expect(200)).body.id, first.body.id, 'a replay still answers while the limit holds');
    assert.equal((await received(t.title, 3)).length, 3, 'nothing beyond the limit reached the screen');
    // The limit is per template: another template still fires.
    await hook((await template()).id).expect(202);
    const limitedEntries = await audit((e) => e.action === 'emergency.rate-limited' && e.subject === `template:${t.id}`, 2, 'both 429s in the audit trail');
    assert.equal(limitedEntries[0].details.channel, 'webhook');
    await audit((e) => e.action === 'emergency.replayed' && e.alertId === first.body.id, 3, 'the webhook replays in the audit trail');

    h.clock.advance(50_000);
    await hook(t.id, 'monitor-incident-44').expect(202);
    assert.equal((await received(t.title, 4)).length, 4, 'the next minute fires again');
  });

  test('bad webhook tokens from one address are locked out with 429 and Retry-After, even with the right token, until the lockout ends', async () => {
    const t = await template();
    for (let i = 0; i < 4; i++) await hook(t.id, undefined, `wrong-token-${i}`.padEnd(WEBHOOK_TOKEN.length, 'x')).expect(401);
    const locked = await hook(t.id).expect(429);
    assert.equal(locked.headers['retry-after'], '120');
    assert.match(locked.body.message, /too many bad webhook tokens from this address/);
    await audit((e) => e.action === 'auth.locked-out' && e.details.realm === 'webhook', 1, 'the lockout in the audit trail');
    // Logins from the same address are counted apart: a panic button's lockout does not lock people out, nor the reverse.
    await login(() => h.url, DEMO.crisis);
    h.clock.advance(121_000);
    await hook(t.id).expect(202);
    assert.equal((await received(t.title, 1)).length, 1);
  });

  test('the CLI sends an Idempotency-Key: a scripted retry with --idempotency-key fires once; each plain invocation fires anew', async () => {
    const t = await template();
    const env = { HERALD_URL: h.url, HERALD_TOKEN: grace };
    const argv = ['emergency', 'fire', t.id, '--idempotency-key', 'cron run 2026-12-04'];
    const first = await runEmergencyCommand(argv, env);
    assert.equal(first.code, EXIT.fired, first.out);
    const id = /alert (\S+) /.exec(first.out)![1];
    assert.match(first.out, /Idempotency-Key 'cron run 2026-12-04'\)\.\n$/);
    const retry = await runEmergencyCommand(argv, env);
    assert.equal(retry.code, EXIT.fired);
    assert.equal(retry.out, `Already fired: template ${t.id} went out as alert ${id} "${t.title}" under Idempotency-Key 'cron run 2026-12-04'; nothing new was sent.\n`);
    const hooked = await runEmergencyCommand(argv, { HERALD_URL: h.url, HERALD_WEBHOOK_TOKEN: WEBHOOK_TOKEN });
    assert.match(hooked.out, /^Fired template/, 'the webhook is another caller: its keys are its own');
    assert.equal((await received(t.title, 2)).length, 2, 'one alert per caller for the key');
    const plain = await Promise.all([runEmergencyCommand(['emergency', 'fire', t.id], env), runEmergencyCommand(['emergency', 'fire', t.id], env)]);
    assert.deepEqual(plain.map((r) => r.out.slice(0, 14)), ['Fired template', 'Fired template'], 'a generated key per invocation');
    assert.equal((await received(t.title, 4)).length, 4);
    const bad = await runEmergencyCommand(['emergency', 'fire', t.id, '--idempotency-key', 'x'.repeat(129)], env);
    assert.equal(bad.code, EXIT.usage);
    assert.match(bad.out, /--idempotency-key must be 1 to 128 printable ASCII characters/);
  });

  test('a day later the keys are purged (audited) and the same key fires anew', async () => {
    const t = await template();
    const first = await fire(grace, { templateId: t.id }, 'daily-drill').expect(202);
    h.clock.advance(25 * 3_600_000);
    const fresh = await login(() => h.url, DEMO.crisis);
    const again = await fire(fresh, { templateId: t.id }, 'daily-drill').expect(202);
    assert.notEqual(again.body.id, first.body.id);
    const [purged] = await audit((e) => e.action === 'emergency.purged', 1, 'the purge in the audit trail');
    assert.equal(purged.actor, 'system');
    assert.ok((purged.details.idempotencyKeys as number) >= 5, JSON.stringify(purged.details));
    assert.ok((purged.details.rateLimitSlots as number) >= 5, JSON.stringify(purged.details));
    assert.equal((await fire(fresh, { templateId: t.id }, 'daily-drill').expect(200)).body.id, again.body.id);
    assert.equal((await received(t.title, 2)).length, 2);
  });
});
