import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadEnv } from '@herald/config';
import { createInfra } from './infra';

describe('createInfra: LDAP filters from the environment', () => {
  const env = (over: Record<string, string>) => loadEnv({ HERALD_DIRECTORY: 'ldap', LDAP_URL: 'ldap://127.0.0.1:1', JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'error', ...over });

  test('a filter that does not parse stops boot naming the variable', async () => {
    for (const [key, bad] of [['LDAP_DISABLED_FILTER', '(pwdAccountLockedTime=*'], ['LDAP_USER_FILTER', 'objectClass=person)'], ['LDAP_GROUP_FILTER', '(a=b)(c=d)']]) {
      await assert.rejects(() => createInfra(env({ [key]: bad }), 'test'), (err: unknown) => err instanceof ConfigError && err.message.includes(`  ${key}: `), key);
    }
  });

  test('valid filters boot (the directory is not contacted yet)', async () => {
    const infra = await createInfra(env({ LDAP_DISABLED_FILTER: '(userAccountControl:1.2.840.113556.1.4.803:=2)', LDAP_USER_FILTER: '(&(objectCategory=person)(objectClass=user))' }), 'test');
    await infra.close();
  });
});

describe('createInfra: SMTP', () => {
  test('a missing SMTP_CA_FILE stops boot naming the variable', async () => {
    const env = loadEnv({ SMTP_URL: 'smtps://mail.example.com', HERALD_MAIL_FROM: 'herald@example.com', SMTP_CA_FILE: '/nonexistent/ca.pem', LOG_LEVEL: 'error' });
    await assert.rejects(() => createInfra(env, 'test'), (err: unknown) => err instanceof ConfigError && err.message.startsWith('SMTP_CA_FILE: file not found'));
  });
});
