import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'ldapts';
import request from 'supertest';
import { AuditEntry } from '@herald/contracts';
import { DEMO, eventually, Harness, login, newAlert, servers, startDistributed, uniqueName } from '@herald/testing';
import { main as cli } from '../src/cli';

/**
 * Distributed mode (RabbitMQ, FerretDB/MongoDB, OpenLDAP): an auditor from a directory group added for this test
 * reads and verifies the trail the other services fed over the bus, and the CLI verifies the same MongoDB data.
 */
describe('audit — distributed', () => {
  const tag = uniqueName('aud').replace(/-/g, '');
  const auditorGroup = `${tag}-auditors`;
  const userDn = `uid=${tag},ou=people,${servers.ldapBaseDn}`;
  const groupDn = `cn=${auditorGroup},ou=groups,${servers.ldapBaseDn}`;
  const prefix = `${tag}_`;
  const key = `audit-key-${tag}-0123456789abcdefghijklmnop`;
  let ldap: Client;
  let h: Harness;

  before(async () => {
    ldap = new Client({ url: servers.ldapUrl, timeout: 5_000, connectTimeout: 5_000 });
    await ldap.bind(servers.ldapBindDn, servers.ldapBindPassword);
    await ldap.add(userDn, { objectClass: 'inetOrgPerson', uid: tag, cn: 'Test Auditor', sn: 'Auditor', userPassword: DEMO.password });
    await ldap.add(groupDn, { objectClass: 'groupOfNames', cn: auditorGroup, member: userDn });
    h = await startDistributed({ HERALD_AUDITOR_GROUPS: auditorGroup, MONGODB_DB_PREFIX: prefix, AUDIT_SIGNING_KEY: key, AUDIT_CHECKPOINT_EVERY: '2' });
  });
  after(async () => {
    await h?.close();
    for (const dn of [groupDn, userDn]) await ldap?.del(dn).catch(() => undefined);
    await ldap?.unbind();
  });

  test('a directory auditor reads, exports and verifies what composer and delivery recorded; the CLI agrees', async () => {
    const [auditor, admin, recipient] = await Promise.all([login(h.route, tag), login(h.route, DEMO.admin), login(h.route, 'alice')]);
    const created = await request(h.route('/api/alerts')).post('/api/alerts').set('authorization', `Bearer ${admin}`).send(newAlert()).expect(201);
    const id = created.body.id as string;
    await request(h.route('/api/alerts')).post(`/api/alerts/${id}/send`).set('authorization', `Bearer ${admin}`).expect(202);

    const api = request(h.route('/api/audit'));
    const actions = await eventually(async () => {
      const res = await request(h.route('/api/audit')).get(`/api/audit?alertId=${id}`).set('authorization', `Bearer ${auditor}`).expect(200);
      const seen = res.body.entries.map((e: AuditEntry) => e.action);
      return seen.includes('occurrence.dispatched') ? seen : null;
    }, 10_000, 'the dispatch in the audit trail');
    assert.deepEqual(actions.slice(0, 2), ['alert.created', 'alert.sent']);
    await api.get('/api/audit/verify').set('authorization', `Bearer ${recipient}`).expect(403);

    const report = (await request(h.route('/api/audit')).get('/api/audit/verify').set('authorization', `Bearer ${auditor}`).expect(200)).body;
    assert.equal(report.ok, true, report.message);
    assert.ok(report.entries >= 4, report.message);

    const csv = await request(h.route('/api/audit')).get(`/api/audit/export?format=csv&alertId=${id}`).set('authorization', `Bearer ${auditor}`).expect(200);
    assert.match(csv.text, /,alert\.created,/);

    let out = '';
    const env = { HERALD_STORE: 'mongodb', MONGODB_URL: servers.mongoUrl, MONGODB_DB_PREFIX: prefix, AUDIT_SIGNING_KEY: key };
    assert.equal(await cli(['audit', 'verify', '--json'], (l) => (out += l), (l) => (out += l), env), 0, out);
    assert.equal(JSON.parse(out).ok, true);
    assert.ok(report.checkpoints >= 1, report.message);
    assert.equal(await cli(['audit', 'verify'], () => undefined, () => undefined, { ...env, AUDIT_SIGNING_KEY: 'another-key-0123456789abcdefghijklmnop' }), 1, 'checkpoints signed with another key are refused');
  });
});
