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
  ous: [{ name: 'p', dn: 'ou=p,dc=x' }, { name: 'pcs', dn: 'ou=pcs,dc=x' }, { name: 'lab', dn: 'ou=lab,ou=pcs,dc=x' }],
  computers: [
    { name: 'PC-1', dn: 'cn=PC-1,ou=pcs,dc=x', dnsHostName: 'pc-1.corp.x' },
    { name: 'LAB-1', dn: 'cn=LAB-1,ou=lab,ou=pcs,dc=x' },
  ],
  marker: '20260101000000Z',
};

describe('mergeChanges', () => {
  test('changed entries replace their old version (DNs compared normalised), disabled users go, the marker advances', () => {
    const merged = mergeChanges(base, {
      users: [user('a', { mail: 'a@x' }), user('d')],
      groups: [{ name: 'h', dn: 'CN=H, DC=X', members: ['uid=c,ou=p,dc=x', 'uid=d,ou=p,dc=x'] }],
      ous: [],
      computers: [{ name: 'LAB-1', dn: 'CN=LAB-1, OU=LAB,OU=PCS,DC=X', dnsHostName: 'lab-1.corp.x' }],
      disabled: ['UID=B,OU=P,DC=X'],
      marker: '20260102000000Z',
    });
    assert.deepEqual(merged.users.map((u) => u.id).sort(), ['a', 'c', 'd']);
    assert.equal(merged.users.find((u) => u.id === 'a')?.mail, 'a@x');
    assert.equal(merged.groups.length, 2);
    assert.equal(merged.marker, '20260102000000Z');
    assert.deepEqual(merged.computers.map((c) => c.dnsHostName), ['pc-1.corp.x', 'lab-1.corp.x'], 'a changed computer replaces its old version');
    assert.deepEqual(base.users.map((u) => u.id), ['a', 'b', 'c'], 'the base export is untouched');
    // through the cycle g → h → g, g now reaches a (direct), c and d (via the new h)
    assert.deepEqual([...new DirectorySnapshot(merged, new Date()).groupUserIds('g')].sort(), ['a', 'c', 'd']);
  });

  test('an empty change set keeps everything and the old marker', () => {
    const merged = mergeChanges(base, { users: [], groups: [], ous: [], computers: [], disabled: [], marker: '' });
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
  test('computers by cn, DNS host name or DN (any case), or every computer below an OU; unknown names are null', () => {
    const names = (name: string) => snap.computers(name)?.map((c) => c.name) ?? null;
    assert.deepEqual(names('pc-1'), ['PC-1']);
    assert.deepEqual(names('PC-1.CORP.X'), ['PC-1']);
    assert.deepEqual(names('cn=lab-1, ou=lab,ou=pcs,dc=x'), ['LAB-1']);
    assert.deepEqual(names('OU=PCS,DC=X'), ['PC-1', 'LAB-1']);
    assert.deepEqual(names('ou=p,dc=x'), [], 'an OU without computers selects none, but is known');
    for (const bad of ['pc-*', '*', 'pc-1)(cn=*', 'ou=nope,dc=x', '']) assert.equal(names(bad), null, bad);
  });
});
