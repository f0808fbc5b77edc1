import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'ldapts';
import { DEMO, DEMO_LDIF, servers, uniqueName } from '@herald/testing';
import {
  DirectorySource,
  DirectoryUnavailableError,
  DirectoryUser,
  LdapDirectory,
  LdapOptions,
  LdifDirectory,
  NestedGroupStrategy,
  parseLdif,
} from '@herald/directory-source';

/**
 * One contract for the DirectorySource port, run against every adapter: the in-memory LDIF directory and
 * LdapDirectory on a real OpenLDAP (deploy/ci/start-ldap.sh), once per nested-group strategy it supports.
 * Data: deploy/demo-directory.ldif.
 */

const BASE = 'dc=example,dc=com';
const userDn = (uid: string) => `uid=${uid},ou=people,${BASE}`;
const groupDn = (cn: string) => `cn=${cn},ou=groups,${BASE}`;
const ALICE: DirectoryUser = {
  id: 'alice',
  dn: userDn('alice'),
  displayName: 'Alice Anders',
  mail: 'alice@example.com',
  department: 'Engineering',
  location: 'Paris',
};
const INJECTIONS = ['*', 'al*', 'alice*', 'alice)(uid=*', '*)(|(uid=*', '\\', 'alice\\', '\u0000', 'alice\u0000', 'アリス'];

const ids = (users: DirectoryUser[]) => users.map((u) => u.id).sort();
const names = (groups: { name: string }[]) => groups.map((g) => g.name).sort();

function ldapOptions(nested: NestedGroupStrategy, over: Partial<LdapOptions> = {}): LdapOptions {
  return {
    url: servers.ldapUrl,
    bindDn: servers.ldapBindDn,
    bindPassword: servers.ldapBindPassword,
    baseDn: servers.ldapBaseDn,
    userFilter: '(objectClass=inetOrgPerson)',
    groupFilter: '(objectClass=groupOfNames)',
    usernameAttr: 'uid',
    nested,
    timeoutMs: 5_000,
    ...over,
  };
}

function contract(name: string, make: () => DirectorySource): void {
  describe(`DirectorySource contract: ${name}`, () => {
    let dir: DirectorySource;
    before(() => {
      dir = make();
    });
    after(async () => {
      await dir?.close();
    });

    describe('authenticate', () => {
      test('the right password returns the user with id, dn, displayName and mail', async () => {
        assert.deepEqual(await dir.authenticate('alice', DEMO.password), ALICE);
        const carol = await dir.authenticate(DEMO.admin, DEMO.password);
        assert.equal(carol?.id, 'carol');
        assert.equal(carol?.dn, userDn('carol'));
        assert.equal(carol?.displayName, 'Carol Clark');
        assert.equal(carol?.mail, 'carol@example.com');
      });

      test('the username is case-insensitive; the returned id is the stored one', async () => {
        assert.deepEqual(await dir.authenticate('ALICE', DEMO.password), ALICE);
      });

      test('a wrong password returns null', async () => {
        assert.equal(await dir.authenticate('alice', 'wrong'), null);
        assert.equal(await dir.authenticate('alice', 'Herald'), null);
        assert.equal(await dir.authenticate('alice', `${DEMO.password} `), null);
        // another user's valid password does not open alice's account
        assert.equal(await dir.authenticate('bob', 'admin'), null);
      });

      test('an empty password returns null (an LDAP bind without password is anonymous and "succeeds")', async () => {
        assert.equal(await dir.authenticate('alice', ''), null);
        assert.equal(await dir.authenticate('carol', ''), null);
      });

      test('an empty or unknown username returns null', async () => {
        assert.equal(await dir.authenticate('', DEMO.password), null);
        assert.equal(await dir.authenticate('nobody', DEMO.password), null);
        assert.equal(await dir.authenticate('admin', 'admin'), null);
      });

      test('filter metacharacters and odd input cannot log in and do not throw', async () => {
        for (const u of INJECTIONS) {
          assert.equal(await dir.authenticate(u, DEMO.password), null, `username ${JSON.stringify(u)}`);
        }
      });
    });

    describe('findUsers', () => {
      test('exact ids, case-insensitive, unknown ids dropped', async () => {
        const found = await dir.findUsers(['alice', 'BOB', 'nobody', 'Erin']);
        assert.deepEqual(ids(found), ['alice', 'bob', 'erin']);
        assert.deepEqual(found.find((u) => u.id === 'alice'), ALICE);
        assert.equal(found.find((u) => u.id === 'bob')?.dn, userDn('bob'));
      });

      test('an empty list finds nobody', async () => {
        assert.deepEqual(await dir.findUsers([]), []);
      });

      test('wildcards and filter metacharacters match nothing', async () => {
        assert.deepEqual(await dir.findUsers(['*']), []);
        for (const u of INJECTIONS) assert.deepEqual(await dir.findUsers([u]), [], `id ${JSON.stringify(u)}`);
        assert.deepEqual(ids(await dir.findUsers(['*', 'dave', 'al*'])), ['dave']);
      });
    });

    describe('findGroups', () => {
      test('exact names, case-insensitive, unknown names dropped', async () => {
        const found = await dir.findGroups(['engineering', 'ALL-STAFF', 'no-such-group']);
        assert.deepEqual(
          [...found].sort((a, b) => a.name.localeCompare(b.name)),
          [
            { name: 'all-staff', dn: groupDn('all-staff') },
            { name: 'engineering', dn: groupDn('engineering') },
          ],
        );
      });

      test('an empty list, `*` and other metacharacters match nothing', async () => {
        assert.deepEqual(await dir.findGroups([]), []);
        assert.deepEqual(await dir.findGroups(['*']), []);
        assert.deepEqual(await dir.findGroups(['eng*', 'engineering)(cn=*', '\\', '\u0000']), []);
        // a user is not a group
        assert.deepEqual(await dir.findGroups(['alice']), []);
      });
    });

    describe('groupMembers (transitive)', () => {
      test('engineering = developers + operations', async () => {
        const [g] = await dir.findGroups(['engineering']);
        const members = await dir.groupMembers(g);
        assert.deepEqual(ids(members), DEMO.engineering);
        assert.equal(members.length, 3, 'each user once');
        assert.deepEqual(members.find((u) => u.id === 'alice'), ALICE);
      });

      test('all-staff = engineering (two levels) + dave', async () => {
        const [g] = await dir.findGroups(['all-staff']);
        const members = await dir.groupMembers(g);
        assert.deepEqual(ids(members), DEMO.allStaff);
        assert.equal(members.length, 4, 'each user once');
      });

      test('a flat group', async () => {
        assert.deepEqual(ids(await dir.groupMembers({ name: 'herald-admins', dn: groupDn('herald-admins') })), ['carol']);
        assert.deepEqual(ids(await dir.groupMembers({ name: 'developers', dn: groupDn('developers') })), ['alice', 'bob']);
      });
    });

    describe('userGroups (transitive)', () => {
      test('alice: developers, engineering, all-staff; not herald-admins', async () => {
        const groups = await dir.userGroups(ALICE);
        for (const n of ['developers', 'engineering', 'all-staff']) {
          assert.deepEqual(groups.find((g) => g.name === n), { name: n, dn: groupDn(n) }, n);
        }
        assert.equal(groups.some((g) => g.name === 'herald-admins'), false);
        assert.equal(groups.some((g) => g.name === 'operations'), false);
        assert.equal(new Set(groups.map((g) => g.dn.toLowerCase())).size, groups.length, 'each group once');
      });

      test('carol: herald-admins, and no engineering group', async () => {
        const [carol] = await dir.findUsers(['carol']);
        const groups = await dir.userGroups(carol);
        assert.deepEqual(groups.find((g) => g.name === 'herald-admins'), { name: 'herald-admins', dn: groupDn('herald-admins') });
        assert.equal(groups.some((g) => ['developers', 'engineering', 'all-staff', 'operations'].includes(g.name)), false);
      });

      test('dave: all-staff directly, not engineering', async () => {
        const [dave] = await dir.findUsers(['dave']);
        const groups = await dir.userGroups(dave);
        assert.deepEqual(groups.find((g) => g.name === 'all-staff'), { name: 'all-staff', dn: groupDn('all-staff') });
        assert.equal(groups.some((g) => g.name === 'engineering' || g.name === 'developers'), false);
      });
    });
  });
}

contract('LdifDirectory (demo file)', () => LdifDirectory.fromFile(DEMO_LDIF()));
contract('LdapDirectory nested=memberof', () => new LdapDirectory(ldapOptions('memberof')));
contract('LdapDirectory nested=recursive', () => new LdapDirectory(ldapOptions('recursive')));

describe('LdifDirectory: membership cycles', () => {
  const ldif = `
dn: uid=u1,ou=people,dc=t
objectClass: inetOrgPerson
uid: u1
cn: User One

dn: uid=u2,ou=people,dc=t
objectClass: inetOrgPerson
uid: u2
cn: User Two

dn: uid=u3,ou=people,dc=t
objectClass: inetOrgPerson
uid: u3
cn: User Three

dn: cn=a,ou=groups,dc=t
objectClass: groupOfNames
cn: a
member: cn=b,ou=groups,dc=t
member: uid=u1,ou=people,dc=t
member: uid=deleted,ou=people,dc=t

dn: cn=b,ou=groups,dc=t
objectClass: groupOfNames
cn: b
member: CN=A, OU=groups, DC=t
member: uid=u2,ou=people,dc=t

dn: cn=self,ou=groups,dc=t
objectClass: groupOfNames
cn: self
member: cn=self,ou=groups,dc=t
member: uid=u3,ou=people,dc=t
`;
  const dir = new LdifDirectory(parseLdif(ldif));

  test('groupMembers terminates with every user of the cycle, each once', async () => {
    const [a, b] = await dir.findGroups(['a', 'b']);
    assert.deepEqual(ids(await dir.groupMembers(a)), ['u1', 'u2']);
    assert.deepEqual(ids(await dir.groupMembers(b)), ['u1', 'u2']);
    const [self] = await dir.findGroups(['self']);
    assert.deepEqual(ids(await dir.groupMembers(self)), ['u3']);
  });

  test('userGroups terminates with both groups of the cycle', async () => {
    const [u1, u3] = await dir.findUsers(['u1', 'u3']);
    assert.deepEqual(names(await dir.userGroups(u1)), ['a', 'b']);
    assert.deepEqual(names(await dir.userGroups(u3)), ['self']);
  });
});

describe('LdapDirectory: membership cycles and stale members on the server', () => {
  const prefix = uniqueName('cycle');
  const user = { uid: prefix, dn: userDn(prefix) };
  const a = { name: `${prefix}-a`, dn: groupDn(`${prefix}-a`) };
  const b = { name: `${prefix}-b`, dn: groupDn(`${prefix}-b`) };
  // holds a member DN that does not exist (deleted user, no referential integrity) and the cycle
  const stale = { name: `${prefix}-stale`, dn: groupDn(`${prefix}-stale`) };
  const gone = userDn(`${prefix}-gone`);
  let admin: Client;

  before(async () => {
    admin = new Client({ url: servers.ldapUrl, timeout: 5_000, connectTimeout: 5_000 });
    await admin.bind(servers.ldapBindDn, servers.ldapBindPassword);
    await admin.add(user.dn, { objectClass: 'inetOrgPerson', uid: user.uid, cn: 'Cycle User', sn: 'Cycle' });
    await admin.add(a.dn, { objectClass: 'groupOfNames', cn: a.name, member: [b.dn, user.dn] });
    await admin.add(b.dn, { objectClass: 'groupOfNames', cn: b.name, member: [a.dn] });
    await admin.add(stale.dn, { objectClass: 'groupOfNames', cn: stale.name, member: [gone, a.dn] });
  });

  after(async () => {
    if (!admin) return;
    for (const dn of [stale.dn, b.dn, a.dn, user.dn]) await admin.del(dn).catch(() => undefined);
    await admin.unbind();
  });

  for (const nested of ['recursive', 'memberof'] as const) {
    test(`nested=${nested}: groupMembers and userGroups terminate`, { timeout: 20_000 }, async () => {
      const dir = new LdapDirectory(ldapOptions(nested));
      const groups = await dir.findGroups([a.name, b.name]);
      assert.deepEqual(names(groups), [a.name, b.name]);
      for (const g of groups) {
        const members = await dir.groupMembers(g);
        assert.deepEqual(members.map((u) => ({ id: u.id, dn: u.dn, displayName: u.displayName })), [{ id: user.uid, dn: user.dn, displayName: 'Cycle User' }], g.name);
      }
      const [u] = await dir.findUsers([user.uid]);
      assert.equal(u?.dn, user.dn);
      assert.deepEqual(
        (await dir.userGroups(u)).map((g) => ({ name: g.name, dn: g.dn })).sort((x, y) => x.name.localeCompare(y.name)),
        [a, b, stale],
      );
      await dir.close();
    });

    test(`nested=${nested}: a member DN that no longer exists is skipped`, { timeout: 20_000 }, async () => {
      const dir = new LdapDirectory(ldapOptions(nested));
      assert.deepEqual(ids(await dir.groupMembers(stale)), [user.uid]);
      await dir.close();
    });
  }
});

/**
 * Phone numbers, for the accountability board and escalation digests: read exactly as stored. OpenLDAP's
 * telephoneNumber is a PrintableString (digits, letters, space and ' ( ) + , - . / : ? =, several of them LDAP DN and
 * filter specials); AD stores it as a Unicode string, so the Unicode value is read through LDAP_PHONE_ATTR mapped to a
 * DirectoryString attribute (description), as a deployment keeping extensions elsewhere would.
 */
const PRINTABLE_PHONE = "+33 (0)1 99,00=00+25 / ext. 2? 'desk'";
const UNICODE_PHONE = '☎ +81 (3) 1234-5678 内線 *42* \\ Zoë, R&D';

describe('LdifDirectory: phone numbers', () => {
  const b64 = (v: string) => Buffer.from(v, 'utf8').toString('base64');
  const dir = new LdifDirectory(
    parseLdif(`
dn: uid=p1,ou=people,dc=t
objectClass: inetOrgPerson
uid: p1
cn: Printable Phone
telephoneNumber: ${PRINTABLE_PHONE}

dn: uid=p2,ou=people,dc=t
objectClass: inetOrgPerson
uid: p2
cn: Unicode Phone
telephoneNumber:: ${b64(UNICODE_PHONE)}

dn: uid=p3,ou=people,dc=t
objectClass: inetOrgPerson
uid: p3
cn: No Phone
`),
  );

  test('telephoneNumber is read back exactly, LDAP specials and Unicode included; no attribute, no phone', async () => {
    const found = new Map((await dir.findUsers(['p1', 'p2', 'p3'])).map((u) => [u.id, u]));
    assert.equal(found.get('p1')?.phone, PRINTABLE_PHONE);
    assert.equal(found.get('p2')?.phone, UNICODE_PHONE);
    assert.ok(found.has('p3') && !('phone' in found.get('p3')!), 'no phone key without the attribute');
    assert.deepEqual(new Map((await dir.exportAll()).users.map((u) => [u.id, u.phone])), new Map([['p1', PRINTABLE_PHONE], ['p2', UNICODE_PHONE], ['p3', undefined]]));
  });

  test('the demo directory: erin and her manager carol have phones, alice none', async () => {
    const demo = LdifDirectory.fromFile(DEMO_LDIF());
    const found = new Map((await demo.findUsers(['alice', 'carol', 'erin'])).map((u) => [u.id, u.phone]));
    assert.deepEqual(found, new Map([['alice', undefined], ['carol', '+33 1 99 00 00 03'], ['erin', '+33 1 99 00 00 25 (ext. 2)']]));
  });
});

describe('LdapDirectory: phone numbers on the server', () => {
  const prefix = uniqueName('phone');
  const printable = { uid: `${prefix}-p`, dn: userDn(`${prefix}-p`) };
  const unicode = { uid: `${prefix}-u`, dn: userDn(`${prefix}-u`) };
  const password = 'phone-test-password';
  let admin: Client;

  before(async () => {
    admin = new Client({ url: servers.ldapUrl, timeout: 5_000, connectTimeout: 5_000 });
    await admin.bind(servers.ldapBindDn, servers.ldapBindPassword);
    await admin.add(printable.dn, { objectClass: 'inetOrgPerson', uid: printable.uid, cn: 'Printable Phone', sn: 'Phone', telephoneNumber: PRINTABLE_PHONE, userPassword: password });
    await admin.add(unicode.dn, { objectClass: 'inetOrgPerson', uid: unicode.uid, cn: 'Unicode Phone', sn: 'Phone', description: UNICODE_PHONE });
  });

  after(async () => {
    if (!admin) return;
    for (const dn of [printable.dn, unicode.dn]) await admin.del(dn).catch(() => undefined);
    await admin.unbind();
  });

  test('telephoneNumber (the default) is read back exactly by findUsers, authenticate and the full export', { timeout: 20_000 }, async () => {
    const dir = new LdapDirectory(ldapOptions('memberof'));
    try {
      const found = new Map((await dir.findUsers([printable.uid, unicode.uid])).map((u) => [u.id, u]));
      assert.equal(found.get(printable.uid)?.phone, PRINTABLE_PHONE);
      assert.ok(found.has(unicode.uid) && !('phone' in found.get(unicode.uid)!), 'no telephoneNumber, no phone key');
      assert.equal((await dir.authenticate(printable.uid, password))?.phone, PRINTABLE_PHONE);
      const exported = (await dir.exportAll()).users.find((u) => u.id === printable.uid);
      assert.equal(exported?.phone, PRINTABLE_PHONE);
    } finally {
      await dir.close();
    }
  });

  test('LDAP_PHONE_ATTR mapped to another attribute: a Unicode value with filter specials is read back exactly', { timeout: 20_000 }, async () => {
    const dir = new LdapDirectory(ldapOptions('recursive', { attributes: { phone: 'description' } }));
    try {
      const found = new Map((await dir.findUsers([printable.uid, unicode.uid])).map((u) => [u.id, u.phone]));
      assert.deepEqual(found, new Map([[printable.uid, undefined], [unicode.uid, UNICODE_PHONE]]));
      assert.equal((await dir.exportAll()).users.find((u) => u.id === unicode.uid)?.phone, UNICODE_PHONE);
    } finally {
      await dir.close();
    }
  });
});

describe('LdapDirectory: unavailable directory', () => {
  const ops = (dir: DirectorySource): [string, () => Promise<unknown>][] => [
    ['authenticate', () => dir.authenticate('alice', DEMO.password)],
    ['findUsers', () => dir.findUsers(['alice'])],
    ['findGroups', () => dir.findGroups(['engineering'])],
    ['groupMembers', () => dir.groupMembers({ name: 'engineering', dn: groupDn('engineering') })],
    ['userGroups', () => dir.userGroups(ALICE)],
  ];

  for (const nested of ['recursive', 'memberof'] as const) {
    test(`nested=${nested}: an unreachable server rejects every operation with DirectoryUnavailableError`, { timeout: 30_000 }, async () => {
      const dir = new LdapDirectory(ldapOptions(nested, { url: 'ldap://127.0.0.1:1', timeoutMs: 2_000 }));
      for (const [op, run] of ops(dir)) {
        await assert.rejects(run(), (err: unknown) => {
          assert.ok(err instanceof DirectoryUnavailableError, `${op}: expected DirectoryUnavailableError, got ${String(err)}`);
          assert.match(err.message, /^directory unreachable at ldap:\/\/127\.0\.0\.1:1: /, op);
          return true;
        });
      }
    });

    test(`nested=${nested}: a wrong service password rejects every operation with DirectoryUnavailableError`, { timeout: 30_000 }, async () => {
      const dir = new LdapDirectory(ldapOptions(nested, { bindPassword: 'not-the-admin-password' }));
      for (const [op, run] of ops(dir)) {
        await assert.rejects(run(), (err: unknown) => {
          assert.ok(err instanceof DirectoryUnavailableError, `${op}: expected DirectoryUnavailableError, got ${String(err)}`);
          assert.equal(err.message, 'the directory refused the service account (LDAP_BIND_DN / LDAP_BIND_PASSWORD)', op);
          return true;
        });
      }
    });
  }
});
