import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff';

const opts = { baseMs: 1_000, maxMs: 60_000 };

describe('backoffDelay', () => {
  test('the window doubles per attempt from the base and stops at the cap', () => {
    const highest = (n: number) => backoffDelay(n, opts, () => 1);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 20].map(highest), [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    assert.equal(backoffDelay(1_000, opts, () => 1), 60_000, 'huge attempt counts do not overflow');
  });

  test('never below the base, so a refused client never hammers the gateway', () => {
    for (const n of [0, 3, 10]) assert.equal(backoffDelay(n, opts, () => 0), 1_000);
    assert.equal(backoffDelay(-1, opts, () => 0.5), 1_000, 'a negative attempt is treated as the first');
  });

  test('jitter spreads a fleet over the whole window instead of reconnecting in step', () => {
    let seed = 42;
    const lcg = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const delays = Array.from({ length: 10_000 }, () => backoffDelay(5, opts, lcg));
    const buckets = new Array(10).fill(0);
    for (const d of delays) {
      assert.ok(d >= 1_000 && d <= 32_000, `delay ${d} within [base, base·2^5]`);
      buckets[Math.min(9, Math.floor(((d - 1_000) / 31_000) * 10))]++;
    }
    // Uniform: every tenth of the window gets roughly a tenth of the clients (no bucket above 15 %).
    for (const b of buckets) assert.ok(b > 500 && b < 1_500, `bucket of ${b} out of 10 000`);
  });
});
