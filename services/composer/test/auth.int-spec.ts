import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Attribute, Change, Client } from 'ldapts';
import { loadEnv } from '@herald/config';
import { AuditEntry, AuditRecorded } from '@herald/contracts';
import { bootHerald, createInfra, RunningHerald } from '@herald/runtime';
import { eventually, newAlert, servers, uniqueName } from '@herald/testing';
import { composerService } from '../src/composer.module';
import { directoryService } from '../../directory/src/directory.module';
import { deliveryService } from '../../delivery/src/delivery.module';

/**
 * Identity and roles against the real OpenLDAP: roles from directory groups, short access tokens with rotating
 * refresh tokens (a role change in the directory shows at the next refresh), lockout, author scopes, and an
 * audit event for every refusal. The entries are added under unique names and removed afterwards.
 */
const p = uniqueName('az');
const BASE = servers.ldapBaseDn;
const userDn = (u: string) => `uid=${p}-${u},ou=people,${BASE}`;
const groupDn = (g: string) => `cn=${p}-${g},ou=groups,${BASE}`;
const USERS = ['ann', 'art', 'cri', 'aud', 'rec', 'in1', 'in2', 'out', 'gone', 'lock'];
const GROUPS: [string, string[]][] = [
  ['admins', [userDn('ann')]],
  ['authors', [userDn('art')]],
  ['crisis', [userDn('cri')]],
  ['auditors', [userDn('aud')]],
  ['sub', [userDn('in2')]],
  ['team', [userDn('in1'), groupDn('sub')]],
  ['mixed', [userDn('in1'), userDn('out')]],
];
const name = (u: string) => `${p}-${u}`;

describe('identity and roles (composer + directory, OpenLDAP)', () => {
  let ldap: Client;
  let herald: RunningHerald;
  let dataDir: string;
  let now = Date.now();
  const audit: AuditEntry[] = [];
  const api = () => request(herald.url);
  const login = (u: string, password = 'herald') => api().post('/api/auth/login').send({ username: name(u), password });
  const token = async (u: string) => (await login(u).expect(200)).body.token as string;
  const denied = (actor: string) => audit.filter((e) => e.action === 'auth.denied' && e.actor === name(actor));

  before(async () => {
    ldap = new Client({ url: servers.ldapUrl });
    await ldap.bind(servers.ldapBindDn, servers.ldapBindPassword);
    for (const u of USERS) await ldap.add(userDn(u), { objectClass: 'inetOrgPerson', uid: name(u), cn: `Test ${u}`, sn: u, userPassword: 'herald' });
    for (const [g, members] of GROUPS) await ldap.add(groupDn(g), { objectClass: 'groupOfNames', cn: name(g), member: members });

    dataDir = mkdtempSync(join(tmpdir(), 'herald-auth-'));
    const env = loadEnv({
      HERALD_DIRECTORY: 'ldap',
      LDAP_URL: servers.ldapUrl,
      LDAP_BIND_DN: servers.ldapBindDn,
      LDAP_BIND_PASSWORD: servers.ldapBindPassword,
      LDAP_BASE_DN: BASE,
      LDAP_NESTED_GROUPS: 'recursive',
      SQLITE_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'error',
      HERALD_ADMIN_GROUPS: name('admins'),
      HERALD_AUTHOR_GROUPS: name('authors'),
      HERALD_CRISIS_GROUPS: name('crisis'),
      HERALD_AUDITOR_GROUPS: name('auditors'),
      HERALD_AUTHOR_SCOPES: `${name('authors')}=${name('team')}`,
      LOGIN_MAX_FAILURES: '3',
      LOGIN_MAX_FAILURES_PER_CLIENT: '12',
      LOGIN_LOCKOUT_SECONDS: '60',
    });
    const infra = await createInfra(env, 'auth-test');
    infra.clock = { now: () => new Date(now) };
    await infra.bus.consume(AuditRecorded, async (m) => void audit.push(...m.entries));
    herald = await bootHerald('auth-test', [composerService, directoryService, deliveryService], infra);
  });

  after(async () => {
    await herald?.close();
    for (const [g] of [...GROUPS].reverse()) await ldap.del(groupDn(g)).catch(() => undefined);
    for (const u of USERS) await ldap.del(userDn(u)).catch(() => undefined);
    await ldap.unbind();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('roles come from directory groups; an author carries the scope of their author groups', async () => {
    const roles = async (u: string) => (await login(u).expect(200)).body.user;
    assert.deepEqual((await roles('ann')).roles, ['admin', 'recipient']);
    assert.deepEqual(await roles('art'), { userId: name('art'), displayName: 'Test art', roles: ['author', 'recipient'], scope: [name('team')] });
    assert.deepEqual((await roles('cri')).roles, ['crisis', 'recipient']);
    assert.deepEqual((await roles('aud')).roles, ['auditor', 'recipient']);
    assert.deepEqual((await roles('rec')).roles, ['recipient']);
    const res = await login('ann').expect(200);
    assert.equal(res.body.expiresIn, 900);
    assert.equal(typeof res.body.refreshToken, 'string');
  });

  test('an author sends only inside their scope; crisis only critical; auditors read; every refusal is audited', async () => {
    const [art, cri, aud, rec, ann] = await Promise.all(['art', 'cri', 'aud', 'rec', 'ann'].map(token));
    const post = (t: string, body: Record<string, unknown>) => api().post('/api/alerts').set('authorization', `Bearer ${t}`).send(body);
    const inScope = newAlert({ audience: { users: [name('in1')], groups: [name('team')] } });

    const own = await post(art, inScope).expect(201);
    await api().post(`/api/alerts/${own.body.id}/send`).set('authorization', `Bearer ${art}`).expect(202);
    // the preview tells an author beforehand how many recipients their scope does not cover
    const previewed = (await api().post('/api/audiences/preview').set('authorization', `Bearer ${art}`).send({ audience: { groups: [name('mixed')] } }).expect(200)).body;
    assert.deepEqual([previewed.count, previewed.outsideScope], [2, 1]);
    const outside = await post(art, newAlert({ audience: { users: [], groups: [name('mixed')] } })).expect(403);
    assert.match(outside.body.message, /1 people outside your scope/);
    await post(art, newAlert({ audience: { users: [name('out')], groups: [] } })).expect(403);
    await post(art, newAlert({ ...inScope, severity: 'critical' })).expect(403);

    await post(cri, newAlert({ severity: 'critical', audience: { users: [], groups: [name('mixed')] } })).expect(201);
    await post(cri, newAlert({ severity: 'warning', audience: { users: [], groups: [name('mixed')] } })).expect(403);
    await post(aud, inScope).expect(403);
    await post(rec, inScope).expect(403);

    const admins = await post(ann, newAlert({ audience: { users: [], groups: [name('mixed')] } })).expect(201);
    await api().get(`/api/alerts/${admins.body.id}`).set('authorization', `Bearer ${aud}`).expect(200);
    await api().get(`/api/alerts/${admins.body.id}/deliveries`).set('authorization', `Bearer ${aud}`).expect(200);
    await api().get(`/api/alerts/${admins.body.id}`).set('authorization', `Bearer ${art}`).expect(403);
    await api().get(`/api/alerts/${own.body.id}`).set('authorization', `Bearer ${art}`).expect(200);
    // a recipient learns nothing about which alert ids exist: 403 before any lookup
    await api().get('/api/alerts/no-such-alert').set('authorization', `Bearer ${rec}`).expect(403);
    await api().post(`/api/alerts/${admins.body.id}/send`).set('authorization', `Bearer ${aud}`).expect(403);

    await eventually(() => denied('art').length === 4 && denied('cri').length === 1 && denied('aud').length === 2 && denied('rec').length === 2, 5_000, 'one auth.denied per refusal');
    const e = denied('rec').find((x) => x.subject === 'route:GET /api/alerts/no-such-alert');
    assert.ok(e, JSON.stringify(denied('rec')));
    assert.deepEqual(e.details.roles, ['recipient']);
    assert.match(String(e.details.reason), /requires the admin or auditor or author or crisis role/);
  });

  test('a role granted or removed in the directory takes effect at the next refresh; refresh tokens rotate', async () => {
    const first = (await login('rec').expect(200)).body;
    assert.deepEqual(first.user.roles, ['recipient']);
    await ldap.modify(groupDn('admins'), [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [userDn('rec')] }) })]);
    try {
      // the access token in hand still says recipient: tokens are not re-read on every request
      await api().post('/api/alerts').set('authorization', `Bearer ${first.token}`).send(newAlert({ audience: { users: [name('in1')], groups: [] } })).expect(403);
      const second = (await api().post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
      assert.deepEqual(second.user.roles, ['admin', 'recipient']);
      assert.notEqual(second.refreshToken, first.refreshToken);
      await api().post('/api/alerts').set('authorization', `Bearer ${second.token}`).send(newAlert({ audience: { users: [name('in1')], groups: [] } })).expect(201);

      await ldap.modify(groupDn('admins'), [new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [userDn('rec')] }) })]);
      const third = (await api().post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200)).body;
      assert.deepEqual(third.user.roles, ['recipient']);

      // replaying a spent refresh token ends the whole session: the newest token of the family dies with it
      const replay = await api().post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
      assert.match(replay.body.message, /reused/);
      await api().post('/api/auth/refresh').send({ refreshToken: third.refreshToken }).expect(401);
    } finally {
      await ldap.modify(groupDn('admins'), [new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [userDn('rec')] }) })]).catch(() => undefined);
    }
  });

  test('refresh is refused for a deleted account, after logout, when expired, and for garbage', async () => {
    const gone = (await login('gone').expect(200)).body;
    await ldap.del(userDn('gone'));
    assert.match((await api().post('/api/auth/refresh').send({ refreshToken: gone.refreshToken }).expect(401)).body.message, /no longer in the directory/);

    const s = (await login('in1').expect(200)).body;
    await api().post('/api/auth/logout').send({ refreshToken: s.refreshToken }).expect(204);
    assert.match((await api().post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401)).body.message, /session ended/);

    const old = (await login('in2').expect(200)).body;
    now += 8 * 3600 * 1000 + 1000;
    assert.match((await api().post('/api/auth/refresh').send({ refreshToken: old.refreshToken }).expect(401)).body.message, /expired/);

    await api().post('/api/auth/refresh').send({ refreshToken: 'x'.repeat(43) }).expect(401);
    assert.equal((await api().post('/api/auth/refresh').send({ refreshToken: 'short' }).expect(400)).body.field, 'refreshToken');
    await api().post('/api/auth/refresh?refreshToken=abc').send({}).expect(400);
    await eventually(() => audit.filter((e) => e.action === 'auth.refresh-refused').length >= 5, 5_000, 'refused refreshes audited');
  });

  test('injected usernames match no one and never log in', async () => {
    for (const username of ['*', `${p}-*`, `${name('ann')})(uid=*`, '*)(|(uid=*', `${name('ann')}\\`, `${name('ann')}\u0000`, `${name('ann')}*`, 'アリス', 'uid=x,ou=people']) {
      await api().post('/api/auth/login').send({ username, password: 'herald' }).expect(401);
    }
    await api().post('/api/auth/login').send({ username: name('ann'), password: '' }).expect(400);
    now += 61_000; // those failures counted against this client address; let the window pass
  });

  test('repeated failures lock the username and then the client address, audited; the lock lifts after its time', async () => {
    for (let i = 0; i < 3; i++) await login('lock', 'wrong').expect(401);
    const locked = await login('lock').expect(429);
    assert.match(locked.body.message, /too many failed logins/);
    await login('ann').expect(200); // another account from the same address is not affected yet
    await eventually(() => audit.some((e) => e.action === 'auth.locked-out' && e.subject === `user:${name('lock')}`) && audit.some((e) => e.action === 'auth.login-throttled' && e.actor === name('lock')), 5_000, 'lockout audited');

    now += 61_000;
    await login('lock').expect(200);

    // the address limit: failures spread over many (even unknown) usernames
    for (let i = 0; i < 12; i++) await api().post('/api/auth/login').send({ username: `${p}-nobody-${i}`, password: 'x' }).expect(401);
    await login('ann').expect(429);
    await eventually(() => audit.some((e) => e.action === 'auth.locked-out' && e.details.lockedBy === 'client'), 5_000, 'address lockout audited');
    now += 61_000;
    await login('ann').expect(200);
  });
});
