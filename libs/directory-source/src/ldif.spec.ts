import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEMO_LDIF } from '@herald/testing';
import { normaliseDn, parseLdif } from './ldif';
import { verifyPassword } from './password';

const attrs = (o: Record<string, string[]>) => new Map(Object.entries(o));

describe('parseLdif', () => {
  test('parses entries separated by blank lines, lower-casing attribute names and keeping value order', () => {
    const entries = parseLdif('dn: cn=a,dc=x\nobjectClass: top\nobjectClass: groupOfNames\nCN: a\nmember: uid=1\nmember: uid=2\n\ndn: uid=b,dc=x\nuid: b\n');
    assert.deepEqual(entries, [
      { dn: 'cn=a,dc=x', attrs: attrs({ objectclass: ['top', 'groupOfNames'], cn: ['a'], member: ['uid=1', 'uid=2'] }) },
      { dn: 'uid=b,dc=x', attrs: attrs({ uid: ['b'] }) },
    ]);
  });

  test('unfolds continuation lines (a leading space is removed, the rest kept)', () => {
    const entries = parseLdif('dn: cn=a long na\n me,dc=x\ndescription: first part\n  and the second\n');
    assert.deepEqual(entries, [{ dn: 'cn=a long name,dc=x', attrs: attrs({ description: ['first part and the second'] }) }]);
  });

  test('decodes base64 values (::) as UTF-8, including the dn', () => {
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    const entries = parseLdif(`dn:: ${b64('cn=Élève,dc=x')}\ncn:: ${b64('Élève')}\ndescription:: ${b64(' leading space')}\nsn: plain\n`);
    assert.deepEqual(entries, [{ dn: 'cn=Élève,dc=x', attrs: attrs({ cn: ['Élève'], description: [' leading space'], sn: ['plain'] }) }]);
  });

  test('skips comments, including a comment block on its own', () => {
    const entries = parseLdif('# header comment\n# second line\n\ndn: cn=a,dc=x\n# inside an entry\ncn: a\n\n\ndn: cn=b,dc=x\n# cn: not-b\ncn: b\n');
    assert.deepEqual(entries, [
      { dn: 'cn=a,dc=x', attrs: attrs({ cn: ['a'] }) },
      { dn: 'cn=b,dc=x', attrs: attrs({ cn: ['b'] }) },
    ]);
  });

  test('accepts CRLF line endings, folded too', () => {
    const entries = parseLdif('dn: cn=a,dc=x\r\ncn: al\r\n pha\r\n\r\ndn: cn=b,dc=x\r\ncn: b\r\n');
    assert.deepEqual(entries, [
      { dn: 'cn=a,dc=x', attrs: attrs({ cn: ['alpha'] }) },
      { dn: 'cn=b,dc=x', attrs: attrs({ cn: ['b'] }) },
    ]);
  });

  test('skips the `version: 1` header that ldapsearch -L writes', () => {
    const entries = parseLdif('version: 1\n\ndn: uid=x,dc=example,dc=com\nuid: x\n');
    assert.deepEqual(entries.map((e) => e.dn), ['uid=x,dc=example,dc=com']);
  });

  test('rejects an entry without dn and an unparsable line', () => {
    assert.throws(() => parseLdif('cn: a\nsn: b\n'), { message: 'LDIF: entry without dn' });
    assert.throws(() => parseLdif('dn: cn=a,dc=x\nthis is not ldif\n'), { message: 'LDIF: cannot parse line "this is not ldif"' });
  });

  test('reads the demo directory: 3 containers, 8 users, 8 groups, 3 computers in 3 OUs', () => {
    const entries = parseLdif(readFileSync(DEMO_LDIF(), 'utf8'));
    assert.equal(entries.length, 25);
    assert.deepEqual(entries.filter((e) => e.attrs.get('objectclass')?.includes('device')).map((e) => e.attrs.get('cn')?.[0]), ['PAR-WS-001', 'PAR-WS-002', 'LIL-LAB-01']);
    const alice = entries.find((e) => e.dn === 'uid=alice,ou=people,dc=example,dc=com');
    assert.ok(alice);
    assert.deepEqual(alice.attrs.get('objectclass'), ['inetOrgPerson']);
    assert.deepEqual(alice.attrs.get('userpassword'), ['{SSHA}S6YuuI2VPsATCa2R1bZTv71Ny/QgK4gy']);
    const allStaff = entries.find((e) => e.dn === 'cn=all-staff,ou=groups,dc=example,dc=com');
    assert.deepEqual(allStaff?.attrs.get('member'), ['cn=engineering,ou=groups,dc=example,dc=com', 'uid=dave,ou=people,dc=example,dc=com']);
  });
});

describe('normaliseDn', () => {
  test('lower-cases and removes spaces around separators', () => {
    assert.equal(normaliseDn('UID=Alice, OU=People ,DC = Example,  dc=COM'), 'uid=alice,ou=people,dc=example,dc=com');
    assert.equal(normaliseDn('cn=all-staff,ou=groups,dc=example,dc=com'), 'cn=all-staff,ou=groups,dc=example,dc=com');
  });

  test('keeps spaces inside values and distinguishes different DNs', () => {
    assert.equal(normaliseDn('CN=Alice Anders,DC=x'), 'cn=alice anders,dc=x');
    assert.notEqual(normaliseDn('cn=a,dc=x'), normaliseDn('cn=b,dc=x'));
  });
});

describe('verifyPassword', () => {
  test('{SSHA} values from the demo directory verify "herald" only', () => {
    const stored = parseLdif(readFileSync(DEMO_LDIF(), 'utf8'))
      .map((e) => e.attrs.get('userpassword')?.[0])
      .filter((v): v is string => !!v);
    assert.equal(stored.length, 8);
    for (const s of stored) {
      assert.equal(verifyPassword('herald', s), true, s);
      for (const wrong of ['Herald', 'herald ', 'heral', '', 'admin']) assert.equal(verifyPassword(wrong, s), false, `${s} / ${JSON.stringify(wrong)}`);
    }
  });

  test('{SSHA} made by slappasswd', () => {
    assert.equal(verifyPassword('hunter2', '{SSHA}fCpVXG+8CBTXXHtOedSgUbyl8h/laYmJ'), true);
    assert.equal(verifyPassword('hunter3', '{SSHA}fCpVXG+8CBTXXHtOedSgUbyl8h/laYmJ'), false);
    assert.equal(verifyPassword('hunter2', '{ssha}fCpVXG+8CBTXXHtOedSgUbyl8h/laYmJ'), true);
  });

  test('{SHA} (unsalted SHA-1)', () => {
    assert.equal(verifyPassword('password', '{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g='), true);
    assert.equal(verifyPassword('password', '{sha}W6ph5Mm5Pz8GgiULbPgzG37mj9g='), true);
    assert.equal(verifyPassword('Password', '{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g='), false);
    assert.equal(verifyPassword('', '{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g='), false);
  });

  test('plain text compares exactly', () => {
    assert.equal(verifyPassword('secret', 'secret'), true);
    assert.equal(verifyPassword('Secret', 'secret'), false);
    assert.equal(verifyPassword('secret1', 'secret'), false);
    assert.equal(verifyPassword('', 'secret'), false);
  });

  test('unknown schemes never verify, not even against their own text', () => {
    assert.equal(verifyPassword('{MD5}X03MO1qnZdYdgyfeuILPmQ==', '{MD5}X03MO1qnZdYdgyfeuILPmQ=='), false);
    assert.equal(verifyPassword('password', '{MD5}X03MO1qnZdYdgyfeuILPmQ=='), false);
    assert.equal(verifyPassword('password', '{CRYPT}$6$salt$hash'), false);
  });
});
