import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Attribute, Change, Client } from 'ldapts';
import { DEMO_LDIF, servers, uniqueName } from '@herald/testing';
import { DirectorySource, LdapDirectory, LdifDirectory } from '@herald/directory-source';

/** Names that must only ever match themselves: wildcards, filter syntax, escapes, NUL, unicode. */
const INJECTIONS = ['*', 'LAB-*', 'LAB-PC-1*', '*)(cn=*', 'LAB-PC-1)(|(cn=*', '\\', 'LAB-PC-1\\', '\u0000', 'LAB-PC-1\u0000', 'KIOSK (hall)*', 'ラボ*'];

const sortedNames = (xs: { name: string }[]) => xs.map((c) => c.name).sort();

/**
 * Computer objects through both directory adapters: the LDIF demo directory (its `device` entries) and OpenLDAP,
 * where the test adds devices under its own OU (removed afterwards). Caller-supplied names go into LDAP filters
 * escaped (RFC 4515): none widens the filter.
 */
describe('computer objects', () => {
  const ou = uniqueName('pcs');
  const base = `ou=${ou},${servers.ldapBaseDn}`;
  const devices = ['LAB-PC-1', 'LAB-PC-2', 'KIOSK (hall)', 'ラボ-01'];
  const dnOf = (cn: string) => `cn=${cn},ou=lab,${base}`;
  let admin: Client;
  let ldap: DirectorySource;

  before(async () => {
    admin = new Client({ url: servers.ldapUrl });
    await admin.bind(servers.ldapBindDn, servers.ldapBindPassword);
    await admin.add(base, { objectClass: 'organizationalUnit', ou });
    await admin.add(`ou=lab,${base}`, { objectClass: 'organizationalUnit', ou: 'lab' });
    for (const cn of devices) await admin.add(dnOf(cn), { objectClass: 'device', cn, description: 'test workstation' });
    ldap = new LdapDirectory({ url: servers.ldapUrl, bindDn: servers.ldapBindDn, bindPassword: servers.ldapBindPassword, baseDn: base, userFilter: '(objectClass=inetOrgPerson)', groupFilter: '(objectClass=groupOfNames)', computerFilter: '(objectClass=device)', usernameAttr: 'uid', nested: 'recursive', timeoutMs: 5_000 });
  });

  after(async () => {
    for (const cn of devices) await admin.del(dnOf(cn)).catch(() => undefined);
    await admin.del(`ou=lab,${base}`).catch(() => undefined);
    await admin.del(base).catch(() => undefined);
    await admin.unbind();
  });

  test('OpenLDAP: the export lists every device with its DN; a changed one comes back incrementally', async () => {
    const all = await ldap.exportAll();
    assert.deepEqual(sortedNames(all.computers), [...devices].sort());
    assert.equal(all.computers.find((c) => c.name === 'LAB-PC-1')?.dn.toLowerCase(), dnOf('LAB-PC-1').toLowerCase());
    assert.ok(all.marker, 'devices carry the change marker');
    await new Promise((r) => setTimeout(r, 1_100)); // modifyTimestamp has one-second resolution
    await admin.modify(dnOf('LAB-PC-2'), [new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: ['moved'] }) })]);
    const changed = await ldap.changesSince(all.marker);
    assert.ok(changed.computers.some((c) => c.name === 'LAB-PC-2'));
    assert.ok(changed.marker > all.marker, 'the marker advances past the change');
  });

  test('OpenLDAP: findComputers matches names exactly (case-insensitive, specials escaped); injections match nothing', async () => {
    assert.deepEqual(sortedNames(await ldap.findComputers(['lab-pc-1', 'KIOSK (hall)', 'ラボ-01', 'NOPE'])), ['KIOSK (hall)', 'LAB-PC-1', 'ラボ-01']);
    for (const name of INJECTIONS) assert.deepEqual(await ldap.findComputers([name]), [], JSON.stringify(name));
  });

  test('LDIF demo directory: its devices, found by exact name only', async () => {
    const demo = LdifDirectory.fromFile(DEMO_LDIF());
    assert.deepEqual(sortedNames((await demo.exportAll()).computers), ['LIL-LAB-01', 'PAR-WS-001', 'PAR-WS-002']);
    assert.deepEqual(sortedNames(await demo.findComputers(['par-ws-001'])), ['PAR-WS-001']);
    for (const name of ['*', 'PAR-*', 'PAR-WS-001*', '*)(cn=*']) assert.deepEqual(await demo.findComputers([name]), [], name);
  });
});
