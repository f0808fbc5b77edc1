import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryUnavailableError, LdapDirectory, LdapOptions } from '@herald/directory-source';

/**
 * LDAPS and StartTLS against a throw-away slapd with its own CA (openssl), on free ports, stopped afterwards by its
 * pid. Only a directory certificate signed by the configured CA is accepted; failures say that TLS failed.
 */
const SUFFIX = 'dc=tls,dc=test';
const freePort = () => new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });

describe('LDAPS and StartTLS with a configured CA', () => {
  let dir: string;
  let ca: string;
  let otherCa: string;
  let ldapPort: number;
  let ldapsPort: number;

  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const options = (over: Partial<LdapOptions>): LdapOptions => ({
    url: `ldaps://127.0.0.1:${ldapsPort}`, bindDn: `cn=admin,${SUFFIX}`, bindPassword: 'admin', baseDn: SUFFIX, userFilter: '(objectClass=inetOrgPerson)',
    groupFilter: '(objectClass=groupOfNames)', usernameAttr: 'uid', nested: 'recursive', timeoutMs: 5_000, ...over,
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-tls-'));
    for (const name of ['ca', 'other']) {
      openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=Herald test ${name} CA`, '-keyout', `${name}.key`, '-out', `${name}.pem`);
    }
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem');
    ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    otherCa = readFileSync(join(dir, 'other.pem'), 'utf8');
    [ldapPort, ldapsPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir, 'slapd.conf'), [
      'include /etc/ldap/schema/core.schema', 'include /etc/ldap/schema/cosine.schema', 'include /etc/ldap/schema/inetorgperson.schema',
      'modulepath /usr/lib/ldap', 'moduleload back_mdb', `pidfile ${dir}/slapd.pid`, `argsfile ${dir}/slapd.args`,
      `TLSCACertificateFile ${dir}/ca.pem`, `TLSCertificateFile ${dir}/server.pem`, `TLSCertificateKeyFile ${dir}/server.key`,
      'database mdb', `suffix "${SUFFIX}"`, `rootdn "cn=admin,${SUFFIX}"`, 'rootpw admin', `directory ${dir}/db`, 'access to * by * read', '',
    ].join('\n'));
    writeFileSync(join(dir, 'seed.ldif'), [
      `dn: ${SUFFIX}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: tls', 'o: TLS', '',
      `dn: uid=tess,${SUFFIX}`, 'objectClass: inetOrgPerson', 'uid: tess', 'cn: Tess TLS', 'sn: TLS', 'userPassword: secret', '',
    ].join('\n'));
    execFileSync('mkdir', ['-p', join(dir, 'db')]);
    execFileSync('slapadd', ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'seed.ldif')], { stdio: 'pipe' });
    execFileSync('slapd', ['-f', join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${ldapPort}/ ldaps://127.0.0.1:${ldapsPort}/`], { stdio: 'pipe' });
    for (let i = 0; i < 100; i++) {
      if (spawnSync('ldapsearch', ['-x', '-H', `ldap://127.0.0.1:${ldapPort}`, '-b', SUFFIX, '-s', 'base', 'dn']).status === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(() => {
    try {
      process.kill(Number(readFileSync(join(dir, 'slapd.pid'), 'utf8')), 'SIGTERM');
    } catch {
      /* never started */
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('LDAPS with the CA: sync and login work', async () => {
    const d = new LdapDirectory(options({ ca }));
    assert.deepEqual((await d.exportAll()).users.map((u) => u.id), ['tess']);
    assert.equal((await d.authenticate('tess', 'secret'))?.id, 'tess');
    assert.equal(await d.authenticate('tess', 'wrong'), null);
  });

  test('StartTLS with the CA on ldap://', async () => {
    const d = new LdapDirectory(options({ url: `ldap://127.0.0.1:${ldapPort}`, startTls: true, ca }));
    assert.equal((await d.authenticate('tess', 'secret'))?.id, 'tess');
  });

  test('an untrusted certificate is refused with an error that names TLS', async () => {
    for (const opts of [options({}), options({ ca: otherCa }), options({ url: `ldap://127.0.0.1:${ldapPort}`, startTls: true, ca: otherCa })]) {
      await assert.rejects(() => new LdapDirectory(opts).exportAll(), (err: unknown) => err instanceof DirectoryUnavailableError && /TLS with the directory at .* failed/.test(err.message), opts.url);
      await assert.rejects(() => new LdapDirectory(opts).authenticate('tess', 'secret'), DirectoryUnavailableError);
    }
  });
});
