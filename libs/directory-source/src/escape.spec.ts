import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, escapeFilterValue, IN_CHAIN } from './escape';

describe('escapeFilterValue (RFC 4515 §3)', () => {
  test('escapes each special character to \\XX', () => {
    assert.equal(escapeFilterValue('*'), '\\2a');
    assert.equal(escapeFilterValue('('), '\\28');
    assert.equal(escapeFilterValue(')'), '\\29');
    assert.equal(escapeFilterValue('\\'), '\\5c');
    assert.equal(escapeFilterValue('\u0000'), '\\00');
  });

  test('escapes every occurrence inside a value, leaving the rest alone', () => {
    assert.equal(escapeFilterValue('alice)(uid=*'), 'alice\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('*)(|(uid=*'), '\\2a\\29\\28|\\28uid=\\2a');
    assert.equal(escapeFilterValue('a\\*b\u0000'), 'a\\5c\\2ab\\00');
    assert.equal(escapeFilterValue('\\5c'), '\\5c5c');
  });

  test('plain ASCII and unicode text is untouched', () => {
    assert.equal(escapeFilterValue('alice.smith-2@example.com'), 'alice.smith-2@example.com');
    assert.equal(escapeFilterValue('アリス'), 'アリス');
    assert.equal(escapeFilterValue('Élodie Müller'), 'Élodie Müller');
    assert.equal(escapeFilterValue(''), '');
  });
});

describe('eq', () => {
  test('builds (attr=escaped value)', () => {
    assert.equal(eq('uid', 'alice'), '(uid=alice)');
    assert.equal(eq('uid', 'al*'), '(uid=al\\2a)');
    assert.equal(eq('cn', 'x)(objectClass=*'), '(cn=x\\29\\28objectClass=\\2a)');
    assert.equal(eq('sAMAccountName', 'アリス'), '(sAMAccountName=アリス)');
    assert.equal(eq('x-custom-attr', 'v'), '(x-custom-attr=v)');
  });

  test('refuses attribute names that are not plain attribute descriptions', () => {
    for (const bad of ['', 'uid)(cn', 'uid=', 'u id', '1uid', '-uid', 'uid*', '(uid', 'uid:', 'uid:abc:', 'memberOf:1.2:x', 'uid\u0000']) {
      assert.throws(() => eq(bad, 'v'), (err: Error) => err instanceof Error && err.message === `invalid attribute ${bad}`, `attribute ${JSON.stringify(bad)}`);
    }
  });

  test('accepts an attribute with a matching-rule OID', () => {
    assert.equal(eq('member:1.2.3:', 'x'), '(member:1.2.3:=x)');
  });

  test("AD's in-chain filter escapes the group DN value", () => {
    assert.equal(IN_CHAIN, '1.2.840.113556.1.4.1941');
    assert.equal(eq(`memberOf:${IN_CHAIN}:`, 'cn=x*,ou=groups,dc=example,dc=com'), '(memberOf:1.2.840.113556.1.4.1941:=cn=x\\2a,ou=groups,dc=example,dc=com)');
    assert.equal(eq(`member:${IN_CHAIN}:`, 'uid=a(b),ou=people,dc=example,dc=com'), '(member:1.2.840.113556.1.4.1941:=uid=a\\28b\\29,ou=people,dc=example,dc=com)');
  });
});
