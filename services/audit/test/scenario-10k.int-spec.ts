import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadEnv } from '@herald/config';
import { DeliveryReceipts, Receipt } from '@herald/contracts';
import { bootHerald, createInfra, Infra, RunningHerald } from '@herald/runtime';
import { DEMO_LDIF, eventually, login, newAlert } from '@herald/testing';
import { ALL_SERVICES } from '../../single-node/src/services';

const RECIPIENTS = 10_000;
const BATCH = 500; // what a gateway flushes at most per message (RECEIPT_BATCH_SIZE)

/** The demo directory plus a plant of RECIPIENTS workers in one group. */
function plantLdif(): string {
  const ids = Array.from({ length: RECIPIENTS }, (_, i) => `w${String(i).padStart(5, '0')}`);
  const people = ids.map((id) => `dn: uid=${id},ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: ${id}\ncn: Worker ${id}\nsn: ${id}\n`).join('\n');
  const group = `dn: cn=plant-a,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: plant-a\n${ids.map((id) => `member: uid=${id},ou=people,dc=example,dc=com`).join('\n')}\n`;
  return `${readFileSync(DEMO_LDIF(), 'utf8')}\n${people}\n${group}`;
}

/**
 * The auditor's question, at plant scale: an alert to 10,000 people, every one of whom receives, displays and
 * acknowledges it — with the gateway's receipt batches partly redelivered, as at-least-once delivery allows.
 * The trail must hold exactly one entry per fact, no more, no less, and the chain must verify.
 */
describe('audit trail of a 10k-recipient alert (in-process bus, SQLite store)', () => {
  let dir: string;
  let herald: RunningHerald;
  let infra: Infra;
  let admin: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-10k-'));
    writeFileSync(join(dir, 'plant.ldif'), plantLdif());
    const env = loadEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', SQLITE_DIR: dir, DIRECTORY_LDIF: join(dir, 'plant.ldif') });
    infra = await createInfra(env, 'audit-10k');
    herald = await bootHerald('audit-10k', ALL_SERVICES, infra);
    admin = await login(() => herald.url, 'carol');
  });
  after(async () => {
    await herald?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('10,000 deliveries produce exactly the expected entries, and the chain verifies', async () => {
    const api = () => request(herald.url);
    const created = await api().post('/api/alerts').set('authorization', `Bearer ${admin}`).send(newAlert({ audience: { users: [], groups: ['plant-a'] } })).expect(201);
    const id = created.body.id as string;
    const sent = await api().post(`/api/alerts/${id}/send`).set('authorization', `Bearer ${admin}`).expect(202);
    const occurrenceId = sent.body.occurrenceId as string;
    const deliveries = await eventually(async () => {
      const res = await api().get(`/api/alerts/${id}/deliveries`).set('authorization', `Bearer ${admin}`).expect(200);
      return res.body.counts.targeted === RECIPIENTS ? res.body : null;
    }, 60_000, 'every recipient targeted');
    const users: string[] = deliveries.deliveries.map((d: { userId: string }) => d.userId);
    assert.equal(new Set(users).size, RECIPIENTS);

    // What the gateways would send: for each state, batches of receipts; every third batch is delivered twice.
    let t = Date.now();
    for (const state of ['delivered', 'displayed', 'acknowledged'] as const) {
      for (let i = 0, n = 0; i < users.length; i += BATCH, n++) {
        const receipts: Receipt[] = users.slice(i, i + BATCH).map((userId) => ({ occurrenceId, userId, state, at: new Date(++t).toISOString(), client: 'web host=test via=test:1' }));
        await infra.bus.publish(DeliveryReceipts, { receipts });
        if (n % 3 === 0) await infra.bus.publish(DeliveryReceipts, { receipts });
      }
    }

    const expected: Record<string, number> = { 'alert.created': 1, 'alert.sent': 1, 'occurrence.dispatched': 1, 'delivery.delivered': RECIPIENTS, 'delivery.displayed': RECIPIENTS, 'delivery.acknowledged': RECIPIENTS };
    const counts = await eventually(async () => {
      const res = await api().get(`/api/audit/export?format=ndjson&alertId=${id}`).set('authorization', `Bearer ${admin}`).expect(200);
      const rows = res.text.trim().split('\n').map((l) => JSON.parse(l) as { action?: string; actor?: string; id?: string; end?: boolean });
      const byAction: Record<string, number> = {};
      for (const r of rows) if (!r.end && r.action && r.action in expected) byAction[r.action] = (byAction[r.action] ?? 0) + 1;
      const ids = rows.filter((r) => !r.end).map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, 'no entry appended twice');
      return Object.keys(expected).every((k) => (byAction[k] ?? 0) >= expected[k]) ? byAction : null;
    }, 120_000, 'every receipt in the trail');
    assert.deepEqual(counts, expected);

    const final = await api().get(`/api/alerts/${id}/deliveries`).set('authorization', `Bearer ${admin}`).expect(200);
    assert.equal(final.body.counts.acknowledged, RECIPIENTS);
    const verify = await api().get('/api/audit/verify').set('authorization', `Bearer ${admin}`).expect(200);
    assert.equal(verify.body.ok, true, verify.body.message);
  });
});
