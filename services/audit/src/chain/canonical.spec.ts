import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonical, hmac, sameMac, sha256 } from './canonical';
import { recordHash } from './record';

describe('canonical serialisation', () => {
  test('sorts keys at every depth and drops undefined members', () => {
    assert.equal(canonical({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });

  test('key order does not change the hash; any value change does', () => {
    const h = sha256(canonical({ actor: 'carol', details: { n: 1, m: 'x' } }));
    assert.equal(sha256(canonical({ details: { m: 'x', n: 1 }, actor: 'carol' })), h);
    assert.notEqual(sha256(canonical({ actor: 'carol', details: { n: 2, m: 'x' } })), h);
    assert.notEqual(sha256(canonical({ actor: 'carol ', details: { n: 1, m: 'x' } })), h);
  });

  test('scalars, null and strings needing escapes serialise as JSON', () => {
    assert.equal(canonical(null), 'null');
    assert.equal(canonical(undefined), 'null');
    assert.equal(canonical('a"b\n'), '"a\\"b\\n"');
    assert.equal(canonical([true, 1.5, null]), '[true,1.5,null]');
  });

  test('hmac depends on the key; sameMac compares exactly', () => {
    const a = hmac('k'.repeat(32), 'x');
    assert.equal(a, hmac('k'.repeat(32), 'x'));
    assert.notEqual(a, hmac('j'.repeat(32), 'x'));
    assert.equal(sameMac(a, a), true);
    assert.equal(sameMac(a, a.slice(1)), false);
    assert.equal(sameMac(a, a.replace(/.$/, (c) => (c === '0' ? '1' : '0'))), false);
  });
});

describe('record hash input', () => {
  test('the hand-written serialisation equals the generic canonical form', () => {
    const body = { chain: 'c', seq: 7, entryId: 'e"1', at: '2026-01-01T00:00:00.000Z', actor: 'carol', action: 'alert.sent', subject: 'alert:a', details: { z: 1, a: [{ y: 2, b: 'ü' }] }, prevHash: '0'.repeat(64) };
    const generic = canonical({ chain: 'c', seq: 7, id: 'e"1', at: body.at, actor: 'carol', action: 'alert.sent', subject: 'alert:a', alertId: null, correlationId: null, details: body.details, prevHash: body.prevHash });
    assert.equal(recordHash(body), sha256(generic));
    assert.equal(recordHash({ ...body, alertId: 'a', correlationId: 'x' }), sha256(canonical({ ...JSON.parse(generic), alertId: 'a', correlationId: 'x' })));
  });
});
