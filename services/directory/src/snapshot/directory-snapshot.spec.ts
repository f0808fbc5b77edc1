import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectorySnapshot } from './directory-snapshot';

const snapshot = new DirectorySnapshot(
  {
    users: [
      { id: 'erin', dn: 'uid=erin,ou=people,dc=x', displayName: 'Erin Evans', mail: 'erin@x' },
      { id: 'bob', dn: 'uid=bob,ou=people,dc=x', displayName: 'Bob', mail: 'bob@x', department: 'Eng', manager: 'UID=Erin, OU=People,DC=x' },
      { id: 'zoe', dn: 'uid=zoe,ou=people,dc=x', displayName: 'Zoe', manager: 'cn=Smith\\, Jane,ou=gone,dc=x' },
    ],
    groups: [],
    ous: [],
    computers: [],
    marker: '',
  },
  new Date(),
);

test('describe resolves each manager DN to the synced person (DN compared normalised), or to the name in the DN', () => {
  assert.deepEqual(snapshot.describe(['bob', 'zoe', 'erin', 'nobody']), [
    { id: 'bob', displayName: 'Bob', mail: 'bob@x', department: 'Eng', location: undefined, manager: { id: 'erin', dn: 'uid=erin,ou=people,dc=x', displayName: 'Erin Evans', mail: 'erin@x' } },
    { id: 'zoe', displayName: 'Zoe', mail: undefined, department: undefined, location: undefined, manager: { dn: 'cn=Smith\\, Jane,ou=gone,dc=x', displayName: 'Smith, Jane' } },
    { id: 'erin', displayName: 'Erin Evans', mail: 'erin@x', department: undefined, location: undefined },
  ]);
});
