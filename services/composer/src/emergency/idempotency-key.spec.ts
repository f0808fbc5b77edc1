import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/contracts';
import { fingerprint, parseIdempotencyKey } from './idempotency-key';

test('an Idempotency-Key is 1 to 128 printable characters; anything else is a 400 naming the header', () => {
  assert.equal(parseIdempotencyKey(undefined), undefined);
  for (const ok of ['a', 'k'.repeat(128), '3f0c7e1a-2b4d-4c6e-8f00-1234567890ab', 'panic button #4 / 2026-12-04T23:00Z']) assert.equal(parseIdempotencyKey(ok), ok);
  for (const bad of ['', '   ', 'k'.repeat(129), 'tab\there', 'new\nline', 'café', ['a', 'b']]) {
    assert.throws(() => parseIdempotencyKey(bad), (e: unknown) => e instanceof ValidationError && e.field === 'Idempotency-Key' && /^Idempotency-Key: /.test(e.message), JSON.stringify(bad));
  }
});

test('a fingerprint ignores the order of keys and absent fields, and sees every value', () => {
  assert.equal(fingerprint({ a: 1, b: { c: 'x', d: [1, 2] } }), fingerprint({ b: { d: [1, 2], c: 'x' }, a: 1, e: undefined }));
  assert.notEqual(fingerprint({ a: 1, b: { d: [1, 2] } }), fingerprint({ a: 1, b: { d: [2, 1] } }));
  assert.notEqual(fingerprint({ title: 'Fire' }), fingerprint({ title: 'Fire ' }));
  assert.notEqual(fingerprint({}), fingerprint({ title: 'Fire' }));
});
