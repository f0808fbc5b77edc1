import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { TokenService } from '@herald/auth';
import { ClientAlert } from '@herald/contracts';
import { DistributedHarness, eventually, Recipient, repoRoot, servers, startDistributed, TcpSwitch, uniqueName } from '@herald/testing';
import { BIG, bigDirectory } from '../bench/generate-directory';

/**
 * The priority path, distributed: a 50,000-recipient info alert is queued at a gateway that cannot keep up (its
 * link to the broker is stalled, as a gateway whose event loop is busy pushing would be); an emergency fired while
 * that fan-out is in flight must overtake it. Asserted by ORDER on real sockets, never by timing: the person in
 * both audiences (in the info alert's last chunk) gets the emergency first, and when it arrives the info fan-out
 * has reached only a few of the probes spread one per chunk over the 50,000. Routed through the ordinary queues
 * (or with the ordinary queue's prefetch letting the whole broadcast into the gateway's socket), the emergency
 * comes after every info chunk and this test fails.
 * Directory: the 100k-user slapd on :3891 (deploy/ci/start-bigldap.sh); the info audience is 4 of its 8 region OUs.
 */
const USERS = 100_000;
const GROUPS = 2_000;
const INFO_REGIONS = [0, 1, 2, 3];
const CHUNK = 1_000;
const SECRET = `priority-test-${uniqueName('s')}-0123456789abcdef`;

interface Arrival {
  userId: string;
  alert: ClientAlert;
}

describe('priority path: an emergency overtakes a 50,000-recipient broadcast (distributed, RabbitMQ)', () => {
  let h: DistributedHarness;
  let brokerLink: TcpSwitch;
  const sockets: Recipient[] = [];
  const tokens = new TokenService(SECRET, 3_600);
  const staff = tokens.issue({ userId: 'bc-crisis-desk', displayName: 'Crisis desk', roles: ['admin', 'crisis', 'auditor', 'recipient'] }).token;
  const model = bigDirectory(USERS, GROUPS);
  const infoOus = INFO_REGIONS.map((r) => `ou=region-${r},${BIG.suffix}`);
  // Sorted as the directory resolves them: fan-out chunk k holds audience[k*CHUNK .. (k+1)*CHUNK).
  const audience = model.users.filter((u) => infoOus.some((ou) => u.ou.endsWith(ou))).map((u) => u.uid).sort();
  const chunks = Math.ceil(audience.length / CHUNK);
  const probes = Array.from({ length: chunks }, (_, k) => audience[k * CHUNK]);
  const target = audience[audience.length - 1];
  const arrivals: Arrival[] = [];

  before(async () => {
    execFileSync('bash', [join(repoRoot(), 'deploy/ci/start-bigldap.sh'), String(USERS), String(GROUPS)], { stdio: 'pipe' });
    const amqp = new URL(servers.amqpUrl);
    brokerLink = await TcpSwitch.start(`http://${amqp.hostname}:${amqp.port || 5672}`);
    const viaSwitch = new URL(servers.amqpUrl);
    viaSwitch.port = new URL(brokerLink.url).port;
    h = await startDistributed(
      {
        LDAP_URL: `ldap://127.0.0.1:${process.env.BIGLDAP_PORT ?? 3891}`, LDAP_BIND_DN: `cn=admin,${BIG.suffix}`, LDAP_BIND_PASSWORD: 'admin', LDAP_BASE_DN: BIG.suffix,
        LDAP_NESTED_GROUPS: 'recursive', LDAP_TIMEOUT_MS: '60000', RPC_TIMEOUT_MS: '60000', FANOUT_CHUNK_SIZE: String(CHUNK), JWT_SECRET: SECRET,
      },
      { gateway: { AMQP_URL: viaSwitch.toString() } },
    );
    for (const userId of [...probes, target]) {
      const r = await Recipient.connect(h.gatewayUrl, tokens.issue({ userId, displayName: userId, roles: ['recipient'] }).token);
      r.socket.on('alert', (alert: ClientAlert) => arrivals.push({ userId, alert }));
      sockets.push(r);
    }
  });

  after(async () => {
    brokerLink?.resume();
    sockets.forEach((s) => s.close());
    await h?.close();
    await brokerLink?.close();
  });

  const api = (path: string) => request(h.route(path));
  const auth = { authorization: `Bearer ${staff}` };
  /** Waits for delivery's `occurrence.dispatched` audit entry: every fan-out chunk of the alert is on the broker. */
  const dispatched = (alertId: string, timeoutMs: number) =>
    eventually(
      async () => ((await api('/api/audit').get('/api/audit').query({ alertId }).set(auth).expect(200)).body.entries as { action: string }[]).some((e) => e.action === 'occurrence.dispatched'),
      timeoutMs,
      `alert ${alertId} to be dispatched`,
    );

  test('the emergency reaches a person in both audiences before the info fan-out has completed', async () => {
    assert.equal(audience.length, 50_000);
    // The gateway stops reading its broker connection: what the broker pushes to it waits in that socket, in order.
    brokerLink.stall();
    const info = (await api('/api/alerts').post('/api/alerts').set(auth).send({ title: 'Canteen menu', body: '<p>Soup of the day.</p>', severity: 'info', audience: { users: [], groups: [], ous: infoOus } }).expect(201)).body;
    await api('/api/alerts').post(`/api/alerts/${info.id}/send`).set(auth).expect(202);
    await dispatched(info.id, 90_000);

    const template = (await api('/api/templates').post('/api/templates').set(auth).send({ name: 'Evacuate B', title: 'Evacuate building B', body: '<p>Leave now.</p>', audience: { users: [target] } }).expect(201)).body;
    const fired = (await api('/api/emergency').post('/api/emergency').set(auth).send({ templateId: template.id }).expect(202)).body;
    await dispatched(fired.id, 30_000);
    brokerLink.resume();

    const at = (userId: string, alertId: string) => arrivals.findIndex((a) => a.userId === userId && a.alert.alertId === alertId);
    await eventually(() => at(target, fired.id) >= 0 && at(target, info.id) >= 0, 60_000, 'the target to receive both alerts');
    const emergencyAt = at(target, fired.id);
    const probesServedBefore = probes.filter((p) => { const i = at(p, info.id); return i >= 0 && i < emergencyAt; }).length;
    assert.ok(emergencyAt < at(target, info.id), 'the emergency arrived on the target socket before the info alert');
    assert.ok(probesServedBefore < probes.length, `info fan-out still in flight when the emergency arrived (${probesServedBefore}/${probes.length} chunks pushed)`);
    assert.equal(arrivals.find((a) => a.alert.alertId === fired.id)?.alert.severity, 'emergency');

    // Nothing of the broadcast was lost by being overtaken: every probe gets the info alert, once.
    await eventually(() => probes.every((p) => at(p, info.id) >= 0), 60_000, 'every probe to receive the info alert');
    assert.equal(arrivals.filter((a) => a.alert.alertId === info.id).length, probes.length + 1);
  });
});
