import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT, runEmergencyCommand } from './emergency-command';

const env = { HERALD_URL: 'http://127.0.0.1:9', HERALD_TOKEN: 't' };

test('usage errors exit 2 with a sentence, before anything is sent', async () => {
  const never = (() => assert.fail('nothing may be sent')) as unknown as typeof fetch;
  for (const [argv, e, why] of [
    [['emergency', 'fire'], env, /expected: herald emergency fire <templateId>/],
    [['emergency', 'fire', 'a b'], env, /is not a template id/],
    [['emergency', 'fire', 'fire-a', '--color', 'red'], env, /unknown option --color/],
    [['emergency', 'fire', 'fire-a', '--idempotency-key', 'caf\u00e9'], env, /--idempotency-key must be 1 to 128 printable ASCII characters/],
    [['emergency', 'fire', 'fire-a'], { HERALD_TOKEN: 't' }, /URL is missing/],
    [['emergency', 'fire', 'fire-a'], { HERALD_URL: env.HERALD_URL }, /set HERALD_TOKEN/],
    [['emergency', 'fire', 'fire-a', '--title', 'X'], { HERALD_URL: env.HERALD_URL, HERALD_WEBHOOK_TOKEN: 'w' }, /need a user token/],
  ] as const) {
    const r = await runEmergencyCommand([...argv], { ...e }, never);
    assert.equal(r.code, EXIT.usage, argv.join(' '));
    assert.match(r.out, why);
  }
});

test('an unreachable Herald exits 3 and says nothing was sent', async () => {
  const down = (async () => {
    throw new Error('connect ECONNREFUSED');
  }) as unknown as typeof fetch;
  const r = await runEmergencyCommand(['emergency', 'fire', 'fire-a'], env, down);
  assert.equal(r.code, EXIT.unavailable);
  assert.match(r.out, /could not reach Herald at http:\/\/127\.0\.0\.1:9: connect ECONNREFUSED\. Nothing was sent\./);
});

test('a timeout may come after Herald fired: the CLI says so and how to retry without firing twice', async () => {
  const slow = (async () => {
    throw Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
  }) as unknown as typeof fetch;
  const r = await runEmergencyCommand(['emergency', 'fire', 'fire-a', '--idempotency-key', 'run-7'], env, slow);
  assert.equal(r.code, EXIT.unavailable);
  assert.equal(r.out, 'herald: no answer from Herald at http://127.0.0.1:9 within 15 s; the emergency may have gone out. Retry with --idempotency-key run-7: it fires at most once.\n');
});

test('a first run with the same key still firing (409) is not reported as refused: the outcome is unknown yet', async () => {
  const busy = (async () => new Response(JSON.stringify({ message: 'Idempotency-Key: the first request with this key is still being processed; retry shortly with the same key' }), { status: 409 })) as unknown as typeof fetch;
  const r = await runEmergencyCommand(['emergency', 'fire', 'fire-a', '--idempotency-key', 'run 7'], env, busy);
  assert.equal(r.code, EXIT.unavailable);
  assert.match(r.out, /still being processed; .*Run the same command with --idempotency-key 'run 7' again to learn its outcome\.\n$/);
});
