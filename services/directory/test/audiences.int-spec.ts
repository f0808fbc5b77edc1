import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server, Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Attribute, Change, Client } from 'ldapts';
import { Env, loadEnv } from '@herald/config';
import { AuditEntry, AuditRecorded, DescribeUsers } from '@herald/contracts';
import { bootHerald, createInfra, Infra, RunningHerald } from '@herald/runtime';
import { DISABLED_FILTER, eventually, expectedGroupMembers, generateDirectory, GeneratedDirectory, newAlert, servers, uniqueName } from '@herald/testing';
import { directoryService } from '../src/directory.module';
import { SnapshotService } from '../src/snapshot/snapshot.service';
import { composerService } from '../../composer/src/composer.module';
import { deliveryService } from '../../delivery/src/delivery.module';

/**
 * Audiences on a generated directory loaded into the real OpenLDAP under a unique OU (removed afterwards): nested
 * groups with a cycle, OU subtrees, disabled accounts, raw filters, include/exclude — each result compared with an
 * independent computation from the generator's model. LDAP is reached through a TCP relay the test can cut, to
 * prove the last good snapshot keeps serving while the directory is down.
 */
const p = uniqueName('dz');
const BASE = `ou=${p},${servers.ldapBaseDn}`;

/** A TCP relay to slapd that the test can cut and restore. */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  async open(port = 0): Promise<void> {
    const target = new URL(servers.ldapUrl);
    this.server = createServer((s) => {
      const up = connect(Number(target.port), target.hostname);
      for (const x of [s, up]) (this.sockets.add(x), x.on('error', () => undefined), x.on('close', () => this.sockets.delete(x)));
      s.pipe(up).pipe(s);
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }
}

describe('audiences on a generated directory (OpenLDAP snapshot)', () => {
  let ldap: Client;
  let dir: GeneratedDirectory;
  let herald: RunningHerald;
  let infra: Infra;
  let dataDir: string;
  let env: Env;
  const relay = new Relay();
  const audit: AuditEntry[] = [];
  let admin: string;
  let recipient: string;
  const enabled = () => new Set(dir.users.filter((u) => !u.disabled).map((u) => u.uid));
  const preview = (audience: Record<string, unknown>, limit = 50, token = admin) => request(herald.url).post('/api/audiences/preview').set('authorization', `Bearer ${token}`).send({ audience, limit });
  const sorted = (s: Iterable<string>) => [...s].sort();

  before(async () => {
    ldap = new Client({ url: servers.ldapUrl });
    await ldap.bind(servers.ldapBindDn, servers.ldapBindPassword);
    dir = generateDirectory({ base: BASE, prefix: `${p}-`, users: 400, groups: 40, depth: 5, regions: 3, teamsPerRegion: 2, managerSpan: 10 });
    await ldap.add(BASE, { objectClass: 'organizationalUnit', ou: p });
    for (const e of dir.entries) await ldap.add(e.dn, e.attrs);

    await relay.open();
    dataDir = mkdtempSync(join(tmpdir(), 'herald-aud-'));
    env = loadEnv({
        HERALD_DIRECTORY: 'ldap',
        LDAP_URL: `ldap://127.0.0.1:${relay.port}`,
        LDAP_BIND_DN: servers.ldapBindDn,
        LDAP_BIND_PASSWORD: servers.ldapBindPassword,
        LDAP_BASE_DN: BASE,
        LDAP_DISABLED_FILTER: DISABLED_FILTER,
        LDAP_TIMEOUT_MS: '1000',
        SQLITE_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'error',
        METRICS_TOKEN: 'metrics-token-for-the-test',
      });
    infra = await createInfra(env, 'aud-test');
    await infra.bus.consume(AuditRecorded, async (m) => void audit.push(...m.entries));
    herald = await bootHerald('aud-test', [directoryService, composerService, deliveryService], infra);
    admin = infra.tokens.issue({ userId: 'test-admin', displayName: 'Test Admin', roles: ['admin', 'recipient'] }).token;
    recipient = infra.tokens.issue({ userId: dir.users[0].uid, displayName: 'R', roles: ['recipient'] }).token;
  });

  after(async () => {
    await herald?.close();
    await relay.cut();
    for (const e of [...(dir?.entries ?? [])].reverse()) await ldap.del(e.dn).catch(() => undefined);
    await ldap.del(BASE).catch(() => undefined);
    await ldap.unbind();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the snapshot holds every enabled user, every group and OU', async () => {
    const status = (await request(herald.url).get('/api/directory/status').set('authorization', `Bearer ${admin}`).expect(200)).body;
    assert.deepEqual(status.counts, { users: enabled().size, groups: 40, ous: 1 + dir.ous.length, computers: 0 });
    assert.equal(status.lastError, null);
  });

  test('manager DNs (attribute manager) are read from LDAP and resolved on the snapshot, for follow-up lists and escalation', async () => {
    const reports = dir.users.filter((u) => u.manager && !u.disabled).slice(0, 30);
    const { users } = await infra.bus.request(DescribeUsers, { userIds: reports.map((u) => u.uid) });
    assert.deepEqual(
      users.map((u) => [u.id, u.manager?.id, u.manager?.mail]),
      reports.map((u) => [u.uid, u.manager, `${u.manager}@bigcorp.test`]),
    );
    const boss = dir.users[0];
    assert.equal((await infra.bus.request(DescribeUsers, { userIds: [boss.uid] })).users[0].manager, undefined, 'a person without a manager has none');
  });

  test('nested groups through a cycle, minus a nested group, equal an independent computation', async () => {
    const allStaff = `${p}-all-staff`;
    const sub = dir.groups[2].cn; // a level-1 group with descendants
    const res = (await preview({ groups: [allStaff], exclude: { groups: [sub] } }, 500)).body;
    const expected = new Set([...expectedGroupMembers(dir, allStaff)].filter((u) => !expectedGroupMembers(dir, sub).has(u)));
    assert.equal(res.count, expected.size);
    assert.ok(expected.size > 50 && expected.size < enabled().size, `a meaningful split: ${expected.size}`);
    assert.deepEqual(sorted(res.members.map((m: { id: string }) => m.id)), sorted(expected).slice(0, 500));
    // the cycle (last group contains g1, its ancestor) terminates and makes them share members
    const last = dir.groups[dir.groups.length - 1].cn;
    const cyc = (await preview({ groups: [last] }, 500)).body;
    assert.deepEqual(sorted(cyc.members.map((m: { id: string }) => m.id)), sorted(expectedGroupMembers(dir, last)));
    assert.equal(cyc.count, expectedGroupMembers(dir, dir.groups[1].cn).size);
  });

  test('everyone, OU subtrees and raw filters, with exclusions; disabled accounts never appear', async () => {
    const region = `ou=region-1,${BASE}`;
    const everyoneButRegion = (await preview({ everyone: true, exclude: { ous: [region.toUpperCase()] } }, 1)).body;
    assert.equal(everyoneButRegion.count, dir.users.filter((u) => !u.disabled && !u.ou.endsWith(region)).length);

    const team = `ou=team-0,${region}`;
    const inTeam = dir.users.filter((u) => !u.disabled && u.ou === team).map((u) => u.uid);
    const byOu = (await preview({ ous: [team] }, 500)).body;
    assert.deepEqual(sorted(byOu.members.map((m: { id: string }) => m.id)), sorted(inTeam));

    const sales = dir.users.filter((u) => !u.disabled && u.department === 'Sales' && !u.ou.endsWith(region)).map((u) => u.uid);
    const filtered = (await preview({ filter: '(departmentNumber=Sales)', exclude: { ous: [region] } }, 500)).body;
    assert.deepEqual(sorted(filtered.members.map((m: { id: string }) => m.id)), sorted(sales));

    // a filter naming only disabled accounts reaches nobody
    assert.equal((await preview({ filter: '(employeeType=disabled)' })).body.count, 0);
    const disabled = dir.users.filter((u) => u.disabled).map((u) => u.uid);
    assert.ok(disabled.length > 0);
    const named = (await preview({ users: [disabled[0], dir.users[1].uid] })).body;
    assert.equal(named.count, 1);
    assert.deepEqual(named.unknownUsers, [disabled[0]]);
  });

  test('raw filters are parsed: garbage is a 400 naming the field, injections never widen', async () => {
    for (const bad of ['garbage', '(uid=a)(uid=b)', '(uid=a', 'uid=a)', '(uid=a))(|(uid=*)', '(uid=a)\u0000', '(=a)', '(uid=a)x', '']) {
      const res = await preview({ filter: bad });
      assert.equal(res.status, 400, `${JSON.stringify(bad)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.match(res.body.field, /^audience\.filter$|^audience$/);
    }
    // escaped specials are literal: they match no one, never everyone
    for (const literal of ['(uid=\\2a)', '(cn=\\28*)', '(uid=*\\29\\28uid=*)', '(uid=\\5c)', '(uid=\\00)']) {
      assert.equal((await preview({ filter: literal })).body.count, 0, literal);
    }
    // OU and group names are looked up in the snapshot, never spliced into a filter: specials are just unknown names
    for (const ou of [`*,${BASE}`, `ou=region-1)(uid=*,${BASE}`, `ou=region-1\\,${BASE}`, `ou=*`]) {
      const res = await preview({ ous: [ou] });
      assert.equal(res.status, 422, ou);
      assert.equal(res.body.field, 'audience.ous');
    }
    const groups = (await preview({ groups: ['*', `${p}-g1*`, `${p}-g1)(cn=*`] })).body;
    assert.deepEqual([groups.count, groups.unknownGroups.length], [0, 3]);
    // a filter for everything still stays inside the user filter, base and enabled accounts
    assert.equal((await preview({ filter: '(objectClass=*)' }, 1)).body.count, enabled().size);
  });

  test('picker search: prefix on account, name and mail; specials and unicode are literal', async () => {
    const search = (q: string, token = admin) => request(herald.url).get('/api/directory/search').query({ q, limit: 100 }).set('authorization', `Bearer ${token}`);
    const u1 = (await search(`${p}-u1`).expect(200)).body;
    assert.deepEqual(sorted(u1.users.map((u: { id: string }) => u.id)), sorted(dir.users.filter((u) => !u.disabled && u.uid.startsWith(`${p}-u1`)).map((u) => u.uid)).slice(0, 100));
    assert.deepEqual((await search(`${p}-g1`).expect(200)).body.groups.map((g: { name: string }) => g.name).sort(), dir.groups.filter((g) => g.cn.startsWith(`${p}-g1`)).map((g) => g.cn).sort());
    assert.deepEqual((await search('region-2').expect(200)).body.ous.map((o: { dn: string }) => o.dn), [`ou=region-2,${BASE}`]);
    const zoe = (await search('zoë ång').expect(200)).body.users;
    assert.ok(zoe.length > 0 && zoe.every((u: { displayName: string }) => u.displayName.startsWith('Zoë Ångström')), JSON.stringify(zoe));
    assert.ok((await search('(contractor)').expect(200)).body.users.length > 0, 'parentheses are plain text');
    // '*' is a literal character: it finds the names that really hold a word starting with '*', not everyone
    const stars = (await search('*').expect(200)).body.users;
    assert.ok(stars.length > 0 && stars.every((u: { displayName: string }) => u.displayName.includes(' *R&D*')), JSON.stringify(stars).slice(0, 300));
    for (const q of ['*)(uid=*', '\\', ')(', 'uid=*', ',', '+', '=', `${p}-u1*`]) {
      const hits = (await search(q).expect(200)).body;
      assert.equal(hits.users.length + hits.groups.length, 0, `${JSON.stringify(q)} matched ${JSON.stringify(hits).slice(0, 200)}`);
    }
    assert.equal((await search('a\u0000b')).status, 400);
    assert.equal((await search('')).status, 400);
    assert.equal((await search(`${p}-u1`, recipient)).status, 403);
  });

  test('saved audiences: created, listed, referenced by alerts and resolved by delivery at send time', async () => {
    const post = (body: Record<string, unknown>) => request(herald.url).post('/api/audiences').set('authorization', `Bearer ${admin}`).send(body);
    const target = dir.groups[3].cn;
    const saved = (await post({ name: `${p} Team 3`, audience: { groups: [target], exclude: { users: [dir.users[3].uid] } } }).expect(201)).body;
    await post({ name: `${p} TEAM 3`, audience: { groups: [target] } }).expect(409);
    assert.equal((await post({ name: `${p} x`, audience: { groups: ['no-such-group'] } }).expect(422)).body.field, 'audience.groups');
    assert.equal((await post({ name: `${p} y`, audience: { filter: '(((' } }).expect(400)).body.field, 'audience.filter');
    const list = (await request(herald.url).get('/api/audiences').set('authorization', `Bearer ${admin}`).expect(200)).body.audiences;
    assert.ok(list.some((a: { id: string }) => a.id === saved.id));
    await request(herald.url).get(`/api/audiences/${saved.id}`).set('authorization', `Bearer ${admin}`).expect(200);

    const expected = sorted([...expectedGroupMembers(dir, target)].filter((u) => u !== dir.users[3].uid));
    assert.equal((await preview({ audiences: [saved.id] })).body.count, expected.length);
    // an alert names the saved audience (and excludes one more person inline); delivery resolves it when sent
    const alert = (await request(herald.url).post('/api/alerts').set('authorization', `Bearer ${admin}`).send(newAlert({ audience: { audiences: [saved.id], exclude: { users: [expected[0]] } } })).expect(201)).body;
    assert.deepEqual(alert.audience, { users: [], groups: [], audiences: [saved.id], exclude: { users: [expected[0]] } });
    await request(herald.url).post(`/api/alerts/${alert.id}/send`).set('authorization', `Bearer ${admin}`).expect(202);
    const targeted = await eventually(async () => {
      const res = await request(herald.url).get(`/api/alerts/${alert.id}/deliveries`).set('authorization', `Bearer ${admin}`).expect(200);
      return res.body.deliveries.length ? res.body.deliveries.map((d: { userId: string }) => d.userId) : null;
    }, 10_000, 'deliveries');
    assert.deepEqual(sorted(targeted), expected.slice(1));
    // the classic {users, groups} audience keeps working
    await request(herald.url).post('/api/alerts').set('authorization', `Bearer ${admin}`).send(newAlert({ audience: { users: [dir.users[1].uid], groups: [] } })).expect(201);
    await request(herald.url).post('/api/alerts').set('authorization', `Bearer ${admin}`).send(newAlert({ audience: { users: [], groups: [] } })).expect(400);
  });

  test('recipients may not preview or define audiences; each refusal is audited', async () => {
    const denied = () => audit.filter((e) => e.action === 'auth.denied' && e.actor === dir.users[0].uid && /^route:POST \/api\/audiences/.test(e.subject)).length;
    await preview({ everyone: true }, 1, recipient).expect(403);
    await request(herald.url).post('/api/audiences').set('authorization', `Bearer ${recipient}`).send({ name: 'x', audience: { everyone: true } }).expect(403);
    await eventually(() => denied() === 2, 5_000, 'refusals audited');
  });

  test('incremental sync picks up new users, membership changes and newly disabled accounts', async () => {
    const snapshots = herald.app.get(SnapshotService);
    const group = dir.groups[5];
    const members = [...expectedGroupMembers(dir, group.cn)];
    const disabling = dir.users.find((u) => u.uid === members[0])!;
    const newcomer = `uid=${p}-newcomer,ou=team-0,ou=region-0,${BASE}`;
    await ldap.add(newcomer, { objectClass: 'inetOrgPerson', uid: `${p}-newcomer`, cn: 'Nora Newcomer', sn: 'Newcomer', displayName: 'Nora Newcomer' });
    dir.entries.push({ dn: newcomer, attrs: {} }); // removed with the rest afterwards
    await ldap.modify(group.dn, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [newcomer] }) })]);
    await ldap.modify(disabling.dn, [new Change({ operation: 'add', modification: new Attribute({ type: 'employeeType', values: ['disabled'] }) })]);
    disabling.disabled = true;

    await snapshots.syncChanges();
    const status = (await request(herald.url).get('/api/directory/status').set('authorization', `Bearer ${admin}`).expect(200)).body;
    assert.equal(status.kind, 'incremental');
    assert.match(status.marker, /^\d{14}Z$/);
    const res = (await preview({ groups: [group.cn] }, 500)).body;
    const ids = sorted(res.members.map((m: { id: string }) => m.id));
    assert.deepEqual(ids, sorted([...members.filter((u) => u !== disabling.uid), `${p}-newcomer`]));
    assert.equal((await request(herald.url).get('/api/directory/search').query({ q: 'nora new' }).set('authorization', `Bearer ${admin}`).expect(200)).body.users[0]?.id, `${p}-newcomer`);
  });

  test('while LDAP is down the last good snapshot keeps serving; a deleted user leaves their groups at the next sync', async () => {
    const snapshots = herald.app.get(SnapshotService);
    const target = dir.groups[1].cn;
    const before = (await preview({ groups: [target] }, 1)).body.count;
    await relay.cut();
    await snapshots.sync();
    const status = (await request(herald.url).get('/api/directory/status').set('authorization', `Bearer ${admin}`).expect(200)).body;
    assert.ok(status.lastError?.message, 'the failed sync is reported');
    const metrics = (await request(herald.url).get('/metrics').set('authorization', 'Bearer metrics-token-for-the-test').expect(200)).text;
    assert.match(metrics, /herald_directory_syncs_total\{kind="full",outcome="failed"\} [1-9]/);
    assert.match(metrics, /herald_directory_snapshot_entries\{type="users"\} [1-9]\d*/, 'the last good snapshot is still counted');
    assert.equal((await preview({ groups: [target] }, 1).expect(200)).body.count, before);

    const victim = dir.users.find((u) => !u.disabled && expectedGroupMembers(dir, target).has(u.uid))!;
    await ldap.del(victim.dn);
    await relay.open(relay.port);
    await snapshots.sync();
    assert.equal((await request(herald.url).get('/api/directory/status').set('authorization', `Bearer ${admin}`).expect(200)).body.lastError, null);
    const after = (await preview({ groups: [target] }, 500)).body;
    assert.equal(after.count, before - 1);
    assert.ok(!after.members.some((m: { id: string }) => m.id === victim.uid));

    // a replica that starts while the directory is down serves the snapshot the last full sync stored
    await herald.close();
    await relay.cut();
    infra = await createInfra(env, 'aud-test-2');
    herald = await bootHerald('aud-test-2', [directoryService], infra);
    const token = infra.tokens.issue({ userId: 'test-admin', displayName: 'Test Admin', roles: ['admin', 'recipient'] }).token;
    const restored = (await request(herald.url).get('/api/directory/status').set('authorization', `Bearer ${token}`).expect(200)).body;
    assert.equal(restored.kind, 'stored');
    assert.ok(restored.lastError?.message, 'and says the directory is unreachable');
    const again = (await request(herald.url).post('/api/audiences/preview').set('authorization', `Bearer ${token}`).send({ audience: { groups: [target] }, limit: 500 }).expect(200)).body;
    assert.deepEqual(again.members, after.members);
  });
});
