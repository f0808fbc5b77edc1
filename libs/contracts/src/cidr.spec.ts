import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, cidrMatcher, normaliseAddress, parseAddress, parseCidr } from './cidr';
import { AudienceSchema } from './alerts';

const inRange = (range: string, address: string) => cidrContains(parseCidr(range), address);

describe('CIDR network ranges', () => {
  test('IPv4: inside, outside, both edges, host bits in the range ignored, /0 and /32', () => {
    assert.equal(inRange('10.1.0.0/16', '10.1.0.0'), true);
    assert.equal(inRange('10.1.0.0/16', '10.1.255.255'), true);
    assert.equal(inRange('10.1.0.0/16', '10.2.0.0'), false);
    assert.equal(inRange('10.1.0.0/16', '10.0.255.255'), false);
    assert.equal(inRange('10.1.77.3/16', '10.1.9.9'), true);
    assert.equal(parseCidr('10.1.77.3/16').text, '10.1.0.0/16');
    assert.equal(inRange('0.0.0.0/0', '203.0.113.9'), true);
    assert.equal(inRange('192.0.2.7/32', '192.0.2.7'), true);
    assert.equal(inRange('192.0.2.7/32', '192.0.2.8'), false);
    assert.equal(inRange('192.0.2.7', '192.0.2.7'), true, 'a bare address is a single host');
    assert.equal(inRange('172.16.0.0/12', '172.31.255.1'), true);
    assert.equal(inRange('172.16.0.0/12', '172.32.0.1'), false);
  });

  test('IPv6: compressed and full forms, edges, /0 and /128, canonical text', () => {
    assert.equal(inRange('2001:db8::/32', '2001:db8:ffff::1'), true);
    assert.equal(inRange('2001:db8::/32', '2001:0db8:0000:0000:0000:0000:0000:0001'), true);
    assert.equal(inRange('2001:db8::/32', '2001:db9::1'), false);
    assert.equal(inRange('2001:db8:abcd:12::/64', '2001:db8:abcd:12:ffff:ffff:ffff:ffff'), true);
    assert.equal(inRange('2001:db8:abcd:12::/64', '2001:db8:abcd:13::'), false);
    assert.equal(inRange('::/0', 'fe80::1'), true);
    assert.equal(inRange('::1/128', '::1'), true);
    assert.equal(inRange('::1/128', '::2'), false);
    assert.equal(parseCidr('2001:0DB8:0:0:1:0:0:0/32').text, '2001:db8::/32');
    assert.equal(parseCidr('2001:db8:0:0:1::/80').text, '2001:db8:0:0:1::/80');
    assert.equal(inRange('fe80::/10', 'fe80::1%eth0'), true, 'a zone index does not hide the address');
  });

  test('IPv4-mapped IPv6 peers (dual-stack sockets) match IPv4 ranges; families never cross otherwise', () => {
    assert.equal(normaliseAddress('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(normaliseAddress('::FFFF:127.0.0.2'), '127.0.0.2');
    assert.equal(inRange('10.1.0.0/16', '::ffff:10.1.2.3'), true);
    assert.equal(inRange('10.1.0.0/16', '::ffff:10.2.2.3'), false);
    assert.equal(inRange('::ffff:0:0/96', '::ffff:10.1.2.3'), false, 'the mapped address is IPv4 now');
    assert.equal(inRange('::/0', '10.1.2.3'), false);
    assert.equal(inRange('0.0.0.0/0', '2001:db8::1'), false);
    assert.deepEqual(parseAddress('64:ff9b::192.0.2.1'), { family: 6, value: (0x64ff9bn << 96n) | 0xc0000201n }, 'an embedded IPv4 tail');
  });

  test('a matcher over many ranges of mixed families and prefix lengths agrees with one-by-one checks', () => {
    const ranges = ['10.1.0.0/16', '10.2.3.0/24', '192.0.2.7/32', '2001:db8::/32', 'fe80::/10', '0.0.0.0/1'].map((r) => parseCidr(r));
    const inside = cidrMatcher(ranges);
    for (const a of ['10.1.9.9', '10.2.3.200', '10.2.4.1', '192.0.2.7', '192.0.2.8', '2001:db8::1', '2001:db9::1', 'fe80::9', '::ffff:10.1.0.1', '127.0.0.1', '200.1.1.1', 'junk']) {
      assert.equal(inside(a), ranges.some((r) => cidrContains(r, a)), a);
    }
    assert.equal(cidrMatcher([])('10.1.1.1'), false);
  });

  test('bad input is refused with a reason, and an unparsable address matches nothing', () => {
    for (const bad of ['', '10.1.0.0/33', '2001:db8::/129', '10.1.0/16', '10.1.0.0/16/8', '10.1.0.0/-1', '10.1.0.0/x', 'example.com/24', '256.1.1.1/8', '10.1.0.0 /16x', 'fe80::1%eth0/64', '*', '10.1.0.0/1e1']) {
      assert.throws(() => parseCidr(bad), /network range|prefix length|one "\/"/, bad);
    }
    assert.equal(parseAddress('unknown'), null);
    assert.equal(inRange('10.0.0.0/8', 'unknown'), false);
    assert.equal(inRange('10.0.0.0/8', ''), false);
  });

  test('audience networks are validated; the error names the element', () => {
    assert.equal(AudienceSchema.safeParse({ networks: ['10.1.0.0/16', '2001:db8::/32'] }).success, true);
    const bad = AudienceSchema.safeParse({ networks: ['10.1.0.0/16', '10.1.0.0/40'] });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0].path, ['networks', 1]);
    const excluded = AudienceSchema.safeParse({ everyone: true, exclude: { networks: ['nope'] } });
    assert.deepEqual(excluded.error?.issues[0].path, ['exclude', 'networks', 0]);
    assert.equal(AudienceSchema.safeParse({ computers: ['PAR-WS-001'] }).success, true, 'computers alone make an audience');
    assert.equal(AudienceSchema.safeParse({ computers: ['PC\u0000'] }).success, false);
  });
});
