import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectoryExport } from '@herald/directory-source';
import { mergeChanges } from './merge-changes';
import { DirectorySnapshot } from './directory-snapshot';

const user = (id: string, extra: Record<string, string> = {}) => ({ id, dn: `uid=${id},ou=p,dc=x`, displayName: id.toUpperCase(), ...extra });
const base: DirectoryExport = {
  users: [user('a'), user('b'), user('c')],
  groups: [
    { name: 'g', dn: 'cn=g,dc=x', members: ['uid=a,ou=p,dc=x', 'cn=h,dc=x'] },
    { name: 'h', dn: 'cn=h,dc=x', members: ['uid=b,ou=p,dc=x', 'cn=g,dc=x'] },
  ],
  ous: [{ name: 'p', dn: 'ou=p,dc=x' }],
  marker: '20260101000000Z',
};

describe('mergeChanges', () => {
  test('changed entries replace their old version (DNs compared normalised), disabled users go, the marker advances', () => {
    const merged = mergeChanges(base, {
      users: [user('a', { mail: 'a@x' }), user('d')],
      groups: [{ name: 'h', dn: 'CN=H, DC=X', members: ['uid=c,ou=p,dc=x', 'uid=d,ou=p,dc=x'] }],
      ous: [],
      disabled: ['UID=B,OU=P,DC=X'],
      marker: '20260102000000Z',
    });
    assert.deepEqual(merged.users.map((u) => u.id).sort(), ['a', 'c', 'd']);
    assert.equal(merged.users.find((u) => u.id === 'a')?.mail, 'a@x');
    assert.equal(merged.groups.length, 2);
    assert.equal(merged.marker, '20260102000000Z');
    assert.deepEqual(base.users.map((u) => u.id), ['a', 'b', 'c'], 'the base export is untouched');
    // through the cycle g → h → g, g now reaches a (direct), c and d (via the new h)
    assert.deepEqual([...new DirectorySnapshot(merged, new Date()).groupUserIds('g')].sort(), ['a', 'c', 'd']);
  });

  test('an empty change set keeps everything and the old marker', () => {
    const merged = mergeChanges(base, { users: [], groups: [], ous: [], disabled: [], marker: '' });
    assert.deepEqual(merged, base);
  });
});

describe('DirectorySnapshot', () => {
  const snap = new DirectorySnapshot(base, new Date());
  test('a group cycle terminates; members that name no synced user contribute nobody', () => {
    assert.deepEqual([...snap.groupUserIds('G')].sort(), ['a', 'b']);
    assert.deepEqual([...snap.groupUserIds('h')].sort(), ['a', 'b']);
    assert.deepEqual([...snap.groupUserIds('nope')], []);
  });
  test('OU subtree and search are literal and case-insensitive', () => {
    assert.deepEqual([...snap.ouUserIds('OU=P,DC=X')].sort(), ['a', 'b', 'c']);
    assert.deepEqual([...snap.ouUserIds('dc=x')].sort(), ['a', 'b', 'c']);
    assert.deepEqual([...snap.ouUserIds('ou=q,dc=x')], []);
    assert.deepEqual(snap.search('A', 10).users.map((u) => u.id), ['a']);
    assert.deepEqual(snap.search('*', 10), { users: [], groups: [], ous: [] });
  });
});
