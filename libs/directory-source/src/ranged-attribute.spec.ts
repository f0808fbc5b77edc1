import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rangedValues } from './ranged-attribute';

/** A stand-in for an AD search entry of a group with `total` members served `page` values per range. */
function adGroup(total: number, page: number) {
  const all = Array.from({ length: total }, (_, i) => `cn=u${i},dc=x`);
  const serve = (from: number) => {
    const to = Math.min(from + page, total) - 1;
    return { [`member;range=${from}-${to === total - 1 ? '*' : to}`]: all.slice(from, to + 1) };
  };
  const asked: string[] = [];
  return { all, first: serve(0), asked, fetch: async (range: string) => (asked.push(range), serve(Number(/range=(\d+)-/.exec(range)![1]))) };
}

describe('rangedValues (AD range retrieval)', () => {
  test('a plain attribute is returned as is, in any case', async () => {
    assert.deepEqual(await rangedValues({ member: ['a', 'b'] }, 'member', async () => ({})), ['a', 'b']);
    assert.deepEqual(await rangedValues({ Member: 'a' }, 'member', async () => ({})), ['a']);
    assert.deepEqual(await rangedValues({ cn: 'g' }, 'member', async () => ({})), []);
  });

  test('ranges are followed until one ends in *', async () => {
    const g = adGroup(4_000, 1_500);
    assert.deepEqual(await rangedValues(g.first, 'member', g.fetch), g.all);
    assert.deepEqual(g.asked, ['member;range=1500-*', 'member;range=3000-*']);
  });

  test('one full range and an exact multiple terminate', async () => {
    const one = adGroup(1_000, 1_500);
    assert.deepEqual(await rangedValues(one.first, 'member', one.fetch), one.all);
    assert.deepEqual(one.asked, []);
    const exact = adGroup(3_000, 1_500);
    assert.deepEqual((await rangedValues(exact.first, 'member', exact.fetch)).length, 3_000);
  });
});
