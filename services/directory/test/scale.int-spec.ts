import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadEnv } from '@herald/config';
import { ResolveAudience } from '@herald/contracts';
import { bootHerald, createInfra, Infra, RunningHerald } from '@herald/runtime';
import { DISABLED_FILTER, expectedGroupMembers, GeneratedDirectory, repoRoot } from '@herald/testing';
import { directoryService } from '../src/directory.module';
import { BIG, bigDirectory } from '../../../test/bench/generate-directory';

/**
 * The full-size proof: 100,000 users and 2,000 groups up to 5 levels deep (with a cycle, OUs and disabled accounts)
 * in a second slapd on :3891 loaded offline by deploy/ci/start-bigldap.sh (a few seconds), synced by the directory
 * service; include/exclude results are compared with an independent fixed-point computation. Speed is measured
 * by `npm run bench -- directory`, not asserted here.
 */
const USERS = 100_000;
const GROUPS = 2_000;

describe('directory at 100k users (second slapd on :3891)', () => {
  let model: GeneratedDirectory;
  let infra: Infra;
  let herald: RunningHerald;
  let dataDir: string;

  before(async () => {
    execFileSync('bash', [join(repoRoot(), 'deploy/ci/start-bigldap.sh'), String(USERS), String(GROUPS)], { stdio: 'pipe' });
    model = bigDirectory(USERS, GROUPS);
    dataDir = mkdtempSync(join(tmpdir(), 'herald-scale-'));
    infra = await createInfra(
      loadEnv({
        HERALD_DIRECTORY: 'ldap', LDAP_URL: `ldap://127.0.0.1:${process.env.BIGLDAP_PORT ?? 3891}`, LDAP_BIND_DN: `cn=admin,${BIG.suffix}`, LDAP_BIND_PASSWORD: 'admin',
        LDAP_BASE_DN: BIG.suffix, LDAP_DISABLED_FILTER: DISABLED_FILTER, LDAP_TIMEOUT_MS: '60000', RPC_TIMEOUT_MS: '60000', SQLITE_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error',
      }),
      'scale-test',
    );
    herald = await bootHerald('scale-test', [directoryService], infra);
  });

  after(async () => {
    await herald?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('every enabled user is synced; disabled ones are not', async () => {
    const token = infra.tokens.issue({ userId: 'scale', displayName: 'Scale', roles: ['admin', 'recipient'] }).token;
    const status = (await request(herald.url).get('/api/directory/status').set('authorization', `Bearer ${token}`).expect(200)).body;
    assert.deepEqual(status.counts, { users: model.users.filter((u) => !u.disabled).length, groups: GROUPS, ous: model.ous.length, computers: 0 });
  });

  test('all-staff except nested groups equals the independent computation', async () => {
    const allStaff = `${BIG.prefix}all-staff`;
    for (const nested of [model.groups[7].cn, model.groups[2].cn, model.groups[GROUPS - 1].cn]) {
      const { userIds } = await infra.bus.request(ResolveAudience, { audience: { users: [], groups: [allStaff], exclude: { groups: [nested] } } });
      const excluded = expectedGroupMembers(model, nested);
      const expected = [...expectedGroupMembers(model, allStaff)].filter((u) => !excluded.has(u)).sort();
      assert.equal(userIds.length, expected.length, nested);
      assert.deepEqual(userIds, expected, nested);
    }
  });

  test('an OU subtree minus a department filter equals the model', async () => {
    const region = `ou=region-3,${BIG.suffix}`;
    const { userIds } = await infra.bus.request(ResolveAudience, { audience: { users: [], groups: [], ous: [region], exclude: { filter: '(departmentNumber=Sales)' } } });
    const expected = model.users.filter((u) => !u.disabled && u.ou.endsWith(region) && u.department !== 'Sales').map((u) => u.uid).sort();
    assert.deepEqual(userIds, expected);
  });
});
