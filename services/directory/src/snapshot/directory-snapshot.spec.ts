import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectorySnapshot } from './directory-snapshot';

const snapshot = new DirectorySnapshot(
  {
    users: [
      { id: 'erin', dn: 'uid=erin,ou=people,dc=x', displayName: 'Erin Evans', mail: 'erin@x', phone: '☎ +81 (3) 1234-5678 内線 *42* \\' },
      { id: 'bob', dn: 'uid=bob,ou=people,dc=x', displayName: 'Bob', mail: 'bob@x', department: 'Eng', location: 'Lyon', phone: '+33 4 65 71 00 12', manager: 'UID=Erin, OU=People,DC=x' },
      { id: 'zoe', dn: 'uid=zoe,ou=people,dc=x', displayName: 'Zoe', manager: 'cn=Smith\\, Jane,ou=gone,dc=x' },
    ],
    groups: [],
    ous: [],
    computers: [],
    marker: '',
  },
  new Date(),
);

test('describe gives each person their contact details (phone as stored) and resolves their manager DN to the synced person (DN compared normalised, phone included), or to the name in the DN', () => {
  assert.deepEqual(snapshot.describe(['bob', 'zoe', 'erin', 'nobody']), [
    { id: 'bob', displayName: 'Bob', mail: 'bob@x', department: 'Eng', location: 'Lyon', phone: '+33 4 65 71 00 12', manager: { id: 'erin', dn: 'uid=erin,ou=people,dc=x', displayName: 'Erin Evans', mail: 'erin@x', phone: '☎ +81 (3) 1234-5678 内線 *42* \\' } },
    { id: 'zoe', displayName: 'Zoe', mail: undefined, department: undefined, location: undefined, manager: { dn: 'cn=Smith\\, Jane,ou=gone,dc=x', displayName: 'Smith, Jane' } },
    { id: 'erin', displayName: 'Erin Evans', mail: 'erin@x', department: undefined, location: undefined, phone: '☎ +81 (3) 1234-5678 内線 *42* \\' },
  ]);
});
