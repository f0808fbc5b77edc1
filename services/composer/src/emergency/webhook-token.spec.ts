import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webhookTokenMatches } from './webhook-token';

test('the webhook token matches only itself, and nothing matches when no token is configured', () => {
  const token = 'p'.repeat(32);
  assert.equal(webhookTokenMatches(token, token), true);
  assert.equal(webhookTokenMatches(token, `${token}x`), false);
  assert.equal(webhookTokenMatches(token, 'p'.repeat(31)), false);
  assert.equal(webhookTokenMatches(token, undefined), false);
  assert.equal(webhookTokenMatches('', ''), false);
});
