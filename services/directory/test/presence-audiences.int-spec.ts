import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadEnv } from '@herald/config';
import { AuditEntry, AuditRecorded, ClientHello } from '@herald/contracts';
import { bootHerald, createInfra, ManualClock, RunningHerald } from '@herald/runtime';
import { DEMO_LDIF, deliveriesOf, eventually, login, newAlert, Recipient, sendAlert } from '@herald/testing';
import { ALL_SERVICES } from '../../single-node/src/services';
import { PresenceService } from '../src/presence/presence.service';

const PARIS_OU = 'ou=paris-office,ou=computers,dc=example,dc=com';
const agent = (hostname: string): ClientHello => ({ kind: 'agent', version: 'test', hostname });
const WINDOW_MINUTES = 60;

/**
 * Computer and network-range audiences, end to end in one process: real Socket.IO clients say which computer they
 * run on (the agent's hello) and connect from distinct loopback addresses (`localAddress`: Linux routes all of
 * 127.0.0.0/8 to lo) or through a trusted proxy (X-Forwarded-For with TRUST_PROXY=loopback). The gateway reports
 * presence to the directory, which resolves against the demo directory's computer objects; a recipient who connects
 * later from a targeted network gets a valid alert on connect. The clock is manual, so the presence window is
 * crossed without waiting.
 */
describe('computer and network-range audiences (all services in-process, manual clock)', () => {
  let dir: string;
  let herald: RunningHerald;
  let clock: ManualClock;
  let admin: string;
  const audit: AuditEntry[] = [];
  const sockets: Recipient[] = [];
  const placed = new Map<string, Recipient>();
  const route = () => herald.url;
  const connect = async (user: string, opts: Parameters<typeof Recipient.connect>[2]) => {
    const r = await Recipient.connect(herald.url, await login(route, user), opts);
    sockets.push(r);
    return r;
  };
  const preview = (audience: Record<string, unknown>) => request(herald.url).post('/api/audiences/preview').set('authorization', `Bearer ${admin}`).send({ audience, limit: 100 });
  const members = async (audience: Record<string, unknown>) => ((await preview(audience).expect(200)).body.members as { id: string }[]).map((m) => m.id).sort();
  const settles = (audience: Record<string, unknown>, expected: string[], what: string, timeoutMs = 5_000) => eventually(async () => JSON.stringify(await members(audience)) === JSON.stringify(expected), timeoutMs, what);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-presence-'));
    const env = loadEnv({
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'error',
      SQLITE_DIR: dir,
      DIRECTORY_LDIF: DEMO_LDIF(),
      SCHEDULER_TICK_MS: '3600000',
      TRUST_PROXY: 'loopback',
      PRESENCE_WINDOW_MINUTES: String(WINDOW_MINUTES),
      PRESENCE_HEARTBEAT_SECONDS: '5',
      HERALD_AUTHOR_SCOPES: 'herald-authors=all-staff',
    });
    const infra = await createInfra(env, 'presence-test');
    clock = new ManualClock(new Date());
    infra.clock = clock;
    await infra.bus.consume(AuditRecorded, async (m) => void audit.push(...m.entries));
    // the test reads the audit events itself, in place of the audit service
    herald = await bootHerald('presence-test', ALL_SERVICES.filter((svc) => svc.name !== 'audit'), infra);
    admin = await login(route, 'carol');
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await herald?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('clients are placed by the host name they report and the address they connect from', async () => {
    placed.set('alice', await connect('alice', { hello: agent('PAR-WS-001'), localAddress: '127.0.0.2' }));
    placed.set('bob', await connect('bob', { hello: agent('par-ws-002.corp.example.com'), localAddress: '127.0.0.3' }));
    // a browser reports no computer; it sits behind a trusted proxy (loopback) that says where the client is
    placed.set('erin', await connect('erin', { hello: { kind: 'web' }, localAddress: '127.0.0.4', headers: { 'x-forwarded-for': '10.9.4.4' } }));

    await settles({ computers: ['PAR-WS-001'] }, ['alice'], 'alice on PAR-WS-001');
    await settles({ computers: [PARIS_OU] }, ['alice', 'bob'], 'the Paris office OU: both of its computers');
    await settles({ computers: ['cn=LIL-LAB-01,ou=lille-lab,ou=computers,dc=example,dc=com'] }, [], 'a computer nobody uses');
    await settles({ networks: ['10.9.0.0/16'] }, ['erin'], 'erin via the forwarded address');
    await settles({ networks: ['127.0.0.2/31', '2001:db8::/32'] }, ['alice', 'bob'], 'IPv4 peers in a /31, an IPv6 range that matches nobody');
    await settles({ networks: ['127.0.0.4/32'] }, [], 'erin is not placed at her proxy');
  });

  test('include / exclude: everyone except a network; preview counts what presence contributes', async () => {
    const res = (await preview({ everyone: true, exclude: { networks: ['10.9.0.0/16'] } }).expect(200)).body;
    const everyone = await members({ everyone: true });
    assert.deepEqual(res.members.map((m: { id: string }) => m.id).sort(), everyone.filter((u) => u !== 'erin'));
    assert.deepEqual(res.presence, { excludedNetworks: 1, windowMinutes: WINDOW_MINUTES });
    const both = (await preview({ users: [], groups: ['engineering'], computers: [PARIS_OU], networks: ['10.9.0.0/16'], exclude: { computers: ['PAR-WS-001'] } }).expect(200)).body;
    assert.deepEqual(both.members.map((m: { id: string }) => m.id).sort(), ['bob', 'erin']);
    assert.deepEqual(both.presence, { computers: 2, networks: 1, excludedComputers: 1, windowMinutes: WINDOW_MINUTES });
  });

  test('bad ranges are 400 naming the element; unknown computers 422 naming them, never matched as patterns', async () => {
    const bad = (await preview({ networks: ['10.1.0.0/16', '10.1.0.0/33'] }).expect(400)).body;
    assert.equal(bad.field, 'audience.networks.1');
    assert.match(bad.message, /prefix length/);
    const alert = await request(herald.url).post('/api/alerts').set('authorization', `Bearer ${admin}`).send(newAlert({ audience: { users: [], groups: [], computers: ['PAR-WS-001', 'PAR-*', '*', 'NOPE-PC'] } })).expect(422);
    assert.equal(alert.body.field, 'audience.computers');
    assert.match(alert.body.message, /unknown computer\(s\): PAR-\*, \*, NOPE-PC$/);
    const saved = await request(herald.url).post('/api/audiences').set('authorization', `Bearer ${admin}`).send({ name: 'ghost pcs', audience: { users: [], groups: [], computers: ['GHOST'] } }).expect(422);
    assert.equal(saved.body.field, 'audience.computers');
    await request(herald.url).post('/api/audiences').set('authorization', `Bearer ${admin}`).send({ name: 'paris office', audience: { users: [], groups: [], computers: [PARIS_OU] } }).expect(201);
  });

  test('an author may not target computers or networks (later arrivals escape the scope check); the refusal is audited', async () => {
    const frank = await login(route, 'frank');
    const res = await request(herald.url).post('/api/alerts').set('authorization', `Bearer ${frank}`).send(newAlert({ severity: 'info', audience: { users: [], groups: [], networks: ['127.0.0.2/32'] } })).expect(403);
    assert.match(res.body.message, /computer and network-range audiences need the admin role/);
    await eventually(() => audit.some((e) => e.action === 'auth.denied' && e.actor === 'frank'), 5_000, 'the refusal in the audit trail');
  });

  test('a recipient who connects later from a targeted network gets the valid alert on connect, once', async () => {
    const sent = await sendAlert(route, admin, newAlert({ title: 'Floor 3 network maintenance', severity: 'warning', audience: { users: [], groups: [], networks: ['10.9.0.0/16', '127.0.0.5/32'] } }));
    const erin = placed.get('erin')!;
    await eventually(() => erin.alerts.some((a) => a.occurrenceId === sent.occurrenceId), 5_000, 'erin (present in 10.9/16) gets it at send time');
    assert.deepEqual((await deliveriesOf(route, admin, sent.id)).map((d) => d.userId), ['erin']);

    const frank = await connect('frank', { hello: agent('LIL-LAB-01'), localAddress: '127.0.0.6' });
    const dave = await connect('dave', { hello: agent('PAR-WS-002'), localAddress: '127.0.0.5' });
    await eventually(() => dave.alerts.some((a) => a.occurrenceId === sent.occurrenceId), 5_000, 'dave, connecting later from 127.0.0.5, gets it on connect');
    const deliveries = await deliveriesOf(route, admin, sent.id);
    assert.deepEqual(deliveries.map((d) => `${d.userId}:${d.occurrenceId}`).sort(), [`dave:${sent.occurrenceId}`, `erin:${sent.occurrenceId}`]);
    await eventually(async () => (await deliveriesOf(route, admin, sent.id)).find((d) => d.userId === 'dave')?.sentAt, 5_000, 'dave marked sent');
    assert.equal(frank.alerts.some((a) => a.occurrenceId === sent.occurrenceId), false, 'frank connects from elsewhere');
    assert.ok(audit.some((e) => e.action === 'delivery.targeted-on-connect' && e.subject === `delivery:${sent.occurrenceId}:dave`));

    // reconnecting (same place) creates nothing new; acknowledged, it is not shown again
    dave.close();
    const again = await connect('dave', { hello: agent('PAR-WS-002'), localAddress: '127.0.0.5' });
    await eventually(() => again.alerts.some((a) => a.occurrenceId === sent.occurrenceId), 5_000, 'still pending on reconnect');
    assert.equal((await deliveriesOf(route, admin, sent.id)).length, 2);
    assert.deepEqual(await again.receipt(sent.occurrenceId, 'acknowledged'), { ok: true });
    await eventually(async () => (await deliveriesOf(route, admin, sent.id)).find((d) => d.userId === 'dave')?.acknowledgedAt, 5_000, 'acknowledged');
    again.close();
    const third = await connect('dave', { hello: agent('PAR-WS-002'), localAddress: '127.0.0.5' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(third.alerts.some((a) => a.occurrenceId === sent.occurrenceId), false);

    // a recalled alert reaches nobody who connects afterwards
    await request(herald.url).post(`/api/alerts/${sent.id}/recall`).set('authorization', `Bearer ${admin}`).expect(202);
    const grace = await connect('grace', { hello: agent('PAR-WS-001'), localAddress: '127.0.0.5' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(grace.alerts.some((a) => a.occurrenceId === sent.occurrenceId), false);
    assert.equal((await deliveriesOf(route, admin, sent.id)).some((d) => d.userId === 'grace'), false);
  });

  test('presence ages out: a disconnected client leaves the window, a connected one stays through the heartbeat', async () => {
    placed.get('alice')!.close(); // alice leaves PAR-WS-001
    await settles({ computers: ['PAR-WS-001'] }, ['alice', 'grace'], 'alice still counts right after leaving (within the window)');
    clock.advance((WINDOW_MINUTES + 1) * 60_000);
    // alice has gone for longer than the window; grace is still connected and the gateway's heartbeat refreshes her
    await settles({ computers: ['PAR-WS-001'] }, ['grace'], 'only the connected client after the window', 15_000);
  });

  test('records not seen for PRESENCE_RETENTION_DAYS are purged, and the purge is audited', async () => {
    for (const s of sockets) s.close();
    await new Promise((r) => setTimeout(r, 300)); // the disconnect reports reach the directory
    clock.advance(31 * 86_400_000);
    const removed = await herald.app.get(PresenceService).purge();
    assert.ok(removed >= 6, `every record is older than 30 days now (removed ${removed})`);
    await eventually(() => audit.some((e) => e.action === 'presence.purged' && e.details.removed === removed), 5_000, 'the purge in the audit trail');
    assert.equal(await herald.app.get(PresenceService).purge(), 0);
  });
});
