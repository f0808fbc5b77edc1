import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { AuditEntry } from '@herald/contracts';
import { SqliteStore } from '@herald/persistence';
import { DEMO, eventually, Harness, login, newAlert, Recipient, startSingleNode } from '@herald/testing';
import { ChainRepository } from '../src/chain/chain.repository';
import { ChainWriter } from '../src/chain/chain.writer';

/**
 * The audit API as users drive it, in single-node mode (demo directory: heidi is an auditor, carol an admin,
 * alice a recipient): roles, refusals and exports audited, exports streamed and resumable by cursor, the
 * per-alert report, and verify catching an entry edited directly in the store.
 */

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  trailers: Record<string, string | undefined>;
  body: string;
}

/** A GET that also returns HTTP trailers (supertest drops them). */
function raw(base: string, path: string, token: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get(new URL(path, base), { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, trailers: res.trailers, body }));
    }).on('error', reject);
  });
}

const ndjson = (body: string) => body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('audit API — single-node', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-audit-api-'));
  let h: Harness;
  let base: string;
  let auditor: string;
  let admin: string;
  let recipient: string;
  let alertId: string;
  const sockets: Recipient[] = [];
  const api = () => request(base);

  before(async () => {
    h = await startSingleNode({ SQLITE_DIR: dataDir, AUDIT_CHECKPOINT_EVERY: '10' });
    base = h.route('/api/audit');
    [auditor, admin, recipient] = await Promise.all(['heidi', DEMO.admin, 'alice'].map((u) => login(h.route, u)));
    const alice = await Recipient.connect(h.gatewayUrl, recipient);
    sockets.push(alice);
    const created = await request(h.route('/api/alerts')).post('/api/alerts').set('authorization', `Bearer ${admin}`).send(newAlert({ title: 'Evacuate <hall 3>, "now"' })).expect(201);
    alertId = created.body.id;
    await request(h.route('/api/alerts')).post(`/api/alerts/${alertId}/send`).set('authorization', `Bearer ${admin}`).expect(202);
    await eventually(() => alice.alerts.length === 1, 5_000, 'alice to receive the alert');
    for (const state of ['delivered', 'displayed', 'acknowledged'] as const) await alice.receipt(alice.alerts[0].occurrenceId, state);
    await eventually(async () => (await api().get(`/api/audit?alertId=${alertId}`).set('authorization', `Bearer ${auditor}`)).body.entries?.some((e: AuditEntry) => e.action === 'delivery.acknowledged'), 5_000, 'the acknowledgement in the audit trail');
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await h?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a recipient is refused the trail, its export and verify; each refusal is itself audited', async () => {
    await api().get('/api/audit').set('authorization', `Bearer ${recipient}`).expect(403);
    await api().get('/api/audit/export?format=csv').set('authorization', `Bearer ${recipient}`).expect(403);
    await api().get('/api/audit/verify').set('authorization', `Bearer ${recipient}`).expect(403);
    await api().get(`/api/audit/alerts/${alertId}/report`).set('authorization', `Bearer ${recipient}`).expect(403);
    await api().get('/api/audit/export').expect(401);
    const res = await raw(base, '/api/audit/export?format=ndjson&action=audit.access-denied', auditor);
    const denied = ndjson(res.body).filter((r) => r.action === 'audit.access-denied');
    assert.deepEqual(denied.map((r) => [r.actor, (r.details as { what: string }).what]), [
      ['alice', 'reading the audit trail'],
      ['alice', 'exporting the audit trail'],
      ['alice', 'verifying the audit trail'],
      ['alice', 'reading an alert report'],
    ]);
  });

  test('bad export parameters are 400s naming the field', async () => {
    for (const [q, field] of [['format=xml', 'format'], ['from=yesterday', 'from'], ['cursor=abc', 'cursor'], ['alertId=../x', 'alertId'], ['limit=0', 'limit']]) {
      const res = await api().get(`/api/audit/export?${q}`).set('authorization', `Bearer ${auditor}`).expect(400);
      assert.match(JSON.stringify(res.body), new RegExp(field), q);
    }
  });

  test('CSV export: BOM, header, escaped cells, defused formulas, and the export itself audited', async () => {
    const res = await raw(base, `/api/audit/export?format=csv&bom=true&alertId=${alertId}`, admin);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.ok(res.body.startsWith('\uFEFFcursor,seq,at,actor,action,subject,alertId,correlationId,entryId,details,prevHash,hash\r\n'), res.body.slice(0, 120));
    assert.match(res.body, /"\{""title"":""Evacuate <hall 3>, \\""now\\""""/, 'a title with quotes and a comma is quoted once, quotes doubled');
    assert.equal(res.trailers['x-next-cursor'], '');
    const lines = res.body.trim().split('\r\n');
    assert.ok(lines.length >= 1 + 5, `rows: ${lines.length}`);
    for (const action of ['alert.created', 'alert.sent', 'occurrence.dispatched', 'delivery.delivered', 'delivery.acknowledged']) assert.ok(lines.some((l) => l.includes(`,${action},`)), action);

    const audited = ndjson((await raw(base, '/api/audit/export?format=ndjson&action=audit.exported', auditor)).body);
    assert.ok(audited.some((r) => r.actor === 'carol' && (r.details as { format: string }).format === 'csv' && r.alertId === alertId), 'the CSV export by carol is in the trail');
  });

  test('a bulk export streams from the store and resumes by cursor with nothing lost or repeated', async () => {
    // A second chain written straight into the store, as another audit replica would: 20k entries.
    const store = SqliteStore.forService(dataDir, 'audit');
    try {
      const writer = new ChainWriter(await ChainRepository.open(store), { chain: 'bulk-replica', signingKey: 'x'.repeat(32), checkpointEvery: 1_000_000, now: () => new Date() });
      const at = new Date().toISOString();
      for (let i = 0; i < 20_000; i += 1_000) {
        await writer.append(Array.from({ length: 1_000 }, (_, k) => ({ id: `bulk-${i + k}`, at, actor: k % 7 ? 'gateway' : '=cmd|calc', action: 'delivery.displayed', subject: `user:u${i + k}`, details: { n: i + k } })));
      }
    } finally {
      await store.close();
    }
    const all = await raw(base, '/api/audit/export?format=ndjson&action=delivery.displayed', auditor);
    const rows = ndjson(all.body);
    assert.deepEqual(rows.at(-1), { end: true, nextCursor: null });
    const bulk = rows.filter((r) => String(r.id).startsWith('bulk-'));
    assert.equal(bulk.length, 20_000);

    // The same export in three resumed parts: limit, then the cursor the previous part named.
    const parts: Record<string, unknown>[] = [];
    let cursor = '';
    for (let i = 0; i < 3; i++) {
      const part = await raw(base, `/api/audit/export?format=ndjson&action=delivery.displayed&limit=8000${cursor ? `&cursor=${cursor}` : ''}`, auditor);
      const body = ndjson(part.body);
      const end = body.pop() as { nextCursor: string | null };
      assert.equal(part.trailers['x-next-cursor'], end.nextCursor ?? '');
      parts.push(...body);
      cursor = end.nextCursor ?? '';
    }
    assert.equal(cursor, '', 'the third part completes the export');
    assert.deepEqual(parts.map((r) => r.cursor), rows.slice(0, -1).map((r) => r.cursor));

    const csv = await raw(base, '/api/audit/export?format=csv&actor=%3Dcmd%7Ccalc', auditor);
    assert.ok(csv.body.split('\r\n').slice(1, -1).every((l) => l.includes(",'=cmd|calc,")), 'formula-like actors are defused');

    const json = JSON.parse((await raw(base, '/api/audit/export?format=json&limit=5', auditor)).body);
    assert.equal(json.entries.length, 5);
    assert.equal(json.nextCursor, json.entries[4].cursor);
  });

  test('per-alert report: CSV per recipient, printable HTML with escaped text, aggregate-only without names', async () => {
    const csv = await api().get(`/api/audit/alerts/${alertId}/report?format=csv`).set('authorization', `Bearer ${auditor}`).expect(200);
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines[0], 'userId,occurrenceId,state,targetedAt,sentAt,deliveredAt,displayedAt,acknowledgedAt,client');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',').replace(/,[^,]+,/, ',*,')), ['alice,*,acknowledged', 'bob,*,targeted', 'erin,*,targeted'], 'bob and erin were offline');
    assert.match(lines[1], /,[^,]*via=\S+:\d+$/, "alice's row names the client and gateway her receipts came through");
    assert.match(lines[2], /,$/, 'bob sent no receipt: no client');

    const json = (await api().get(`/api/audit/alerts/${alertId}/report?format=json`).set('authorization', `Bearer ${auditor}`).expect(200)).body;
    assert.deepEqual(json.counts, { targeted: 3, sent: 1, delivered: 1, displayed: 1, acknowledged: 1, expired: 0 });
    assert.equal(json.sentBy, 'carol');

    const html = await api().get(`/api/audit/alerts/${alertId}/report?format=html`).set('authorization', `Bearer ${auditor}`).expect(200);
    assert.match(html.headers['content-type'], /^text\/html/);
    assert.match(html.text, /Evacuate &lt;hall 3&gt;, &quot;now&quot;/);
    assert.doesNotMatch(html.text, /<hall 3>/);
    assert.match(html.text, /<td>alice<\/td>/);

    const agg = await api().get(`/api/audit/alerts/${alertId}/report?format=html&aggregate=true`).set('authorization', `Bearer ${auditor}`).expect(200);
    assert.doesNotMatch(agg.text, /alice|bob|erin/);
    const aggCsv = await api().get(`/api/audit/alerts/${alertId}/report?format=csv&aggregate=true`).set('authorization', `Bearer ${auditor}`).expect(200);
    assert.match(aggCsv.text, /^alertId,metric,count\r\n/);
    assert.doesNotMatch(aggCsv.text, /alice/);
    await api().get('/api/audit/alerts/no-such-alert/report').set('authorization', `Bearer ${auditor}`).expect(404);
  });

  test('purge is for admins only (auditors read, they do not delete), and every run is audited', async () => {
    await api().post('/api/audit/purge?dryRun=true').set('authorization', `Bearer ${auditor}`).expect(403);
    const res = await api().post('/api/audit/purge?dryRun=true').set('authorization', `Bearer ${admin}`).expect(200);
    assert.deepEqual(res.body, { dryRun: true, retention: {}, purged: [] }, 'no retention configured: nothing is ever due');
    const rows = ndjson((await raw(base, '/api/audit/export?format=ndjson&actor=carol', auditor)).body);
    assert.ok(rows.some((r) => r.action === 'audit.purge-previewed'));
    assert.ok(ndjson((await raw(base, '/api/audit/export?format=ndjson&actor=heidi&action=audit.access-denied', auditor)).body).some((r) => (r.details as { what: string }).what === 'purging the audit trail'));
  });

  test('verify: intact, then an entry edited directly in the SQLite file is named', async () => {
    const ok = (await api().get('/api/audit/verify').set('authorization', `Bearer ${auditor}`).expect(200)).body;
    assert.equal(ok.ok, true, ok.message);
    assert.ok(ok.entries > 20_000 && ok.chains === 2 && ok.checkpoints >= 1, ok.message);

    const db = new Database(join(dataDir, 'audit.db'));
    let target: { id: string; entryId: string };
    try {
      target = db.prepare(`SELECT id, json_extract(doc, '$.entryId') AS entryId FROM c_audit_chain WHERE json_extract(doc, '$.action') = 'alert.sent'`).get() as { id: string; entryId: string };
      db.prepare(`UPDATE c_audit_chain SET doc = json_set(doc, '$.actor', 'mallory') WHERE id = ?`).run(target.id);
    } finally {
      db.close();
    }
    const broken = (await api().get('/api/audit/verify').set('authorization', `Bearer ${auditor}`).expect(200)).body;
    assert.equal(broken.ok, false);
    assert.equal(broken.firstBroken.entryId, target.entryId);
    assert.equal(broken.firstBroken.seq, Number(target.id.split(':')[1]));
    assert.match(broken.message, /its content no longer matches its hash/);
  });
});
