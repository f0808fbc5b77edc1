import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr } from '@herald/contracts';
import { runsOn, shortNamesOf, usersInNetworks, usersOnComputers } from './presence-match';

const withDns = { name: 'PAR-WS-001', dn: 'cn=PAR-WS-001,ou=pcs,dc=x', dnsHostName: 'par-ws-001.corp.example.com' };
const bare = { name: 'LIL-LAB-01', dn: 'cn=LIL-LAB-01,ou=pcs,dc=x' };

describe('presence matching', () => {
  test('a bare host name matches the cn; a qualified one the DNS host name when the directory has one', () => {
    assert.equal(runsOn(withDns, 'par-ws-001'), true);
    assert.equal(runsOn(withDns, 'par-ws-001.corp.example.com'), true);
    assert.equal(runsOn(withDns, 'par-ws-001.other.example.org'), false, 'same short name, another domain');
    assert.equal(runsOn(bare, 'lil-lab-01.corp.example.com'), true, 'no DNS name known: the first label counts');
    assert.equal(runsOn(bare, 'lil-lab-011'), false);
    assert.equal(runsOn(bare, 'lil'), false);
    assert.deepEqual(shortNamesOf([withDns, bare]).sort(), ['lil-lab-01', 'par-ws-001']);
  });

  test('users on computers and in networks, each once', () => {
    const records = [
      { userId: 'alice', host: 'par-ws-001', address: '10.1.2.3' },
      { userId: 'alice', host: 'lil-lab-01', address: '10.9.0.1' },
      { userId: 'bob', host: null, address: '2001:db8::5' },
      { userId: 'erin', host: 'elsewhere', address: '192.0.2.1' },
    ];
    assert.deepEqual([...usersOnComputers(records, [withDns, bare])], ['alice']);
    assert.deepEqual([...usersOnComputers(records, [])], []);
    assert.deepEqual([...usersInNetworks(records, [parseCidr('10.0.0.0/8'), parseCidr('2001:db8::/32')])].sort(), ['alice', 'bob']);
    assert.deepEqual([...usersInNetworks(records, [parseCidr('10.1.0.0/16')])], ['alice']);
  });
});
