import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ENV_KEYS, loadEnv } from './env';

/** Asserts `fn` throws a ConfigError with a line naming `variable`, and returns the message. */
function configError(fn: () => unknown, variable: string): string {
  let message = '';
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    message = err.message;
    return true;
  });
  assert.match(message, /^Invalid configuration:\n/);
  assert.match(message, new RegExp(`^  ${variable}: `, 'm'), message);
  return message;
}

describe('loadEnv', () => {
  test('an empty environment loads every default', () => {
    assert.deepEqual(loadEnv({}), {
      HERALD_BUS: 'memory',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      BUS_NAMESPACE: 'herald',
      AMQP_PREFETCH: 200,
      BUS_MAX_ATTEMPTS: 5,
      BUS_RETRY_DELAY_MS: 500,
      RPC_TIMEOUT_MS: 10_000,
      HERALD_STORE: 'sqlite',
      MONGODB_URL: 'mongodb://127.0.0.1:27017',
      MONGODB_DB_PREFIX: 'herald_',
      SQLITE_DIR: './data',
      HERALD_DIRECTORY: 'ldif',
      DIRECTORY_LDIF: 'deploy/demo-directory.ldif',
      LDAP_URL: 'ldap://127.0.0.1:389',
      LDAP_BIND_DN: '',
      LDAP_BIND_PASSWORD: '',
      LDAP_BASE_DN: 'dc=example,dc=com',
      LDAP_USER_FILTER: '(objectClass=inetOrgPerson)',
      LDAP_GROUP_FILTER: '(objectClass=groupOfNames)',
      LDAP_COMPUTER_FILTER: '(|(objectClass=computer)(objectClass=device))',
      LDAP_USERNAME_ATTR: 'uid',
      LDAP_NESTED_GROUPS: 'recursive',
      LDAP_TIMEOUT_MS: 5_000,
      LDAP_STARTTLS: false,
      LDAP_CA_FILE: '',
      LDAP_DISABLED_FILTER: '',
      LDAP_DISPLAY_NAME_ATTR: 'displayName',
      LDAP_MAIL_ATTR: 'mail',
      LDAP_DEPARTMENT_ATTR: 'departmentNumber',
      LDAP_LOCATION_ATTR: 'l',
      LDAP_MANAGER_ATTR: 'manager',
      LDAP_PHONE_ATTR: 'telephoneNumber',
      LDAP_CHANGE_ATTR: 'modifyTimestamp',
      DIRECTORY_SYNC_INTERVAL_SECONDS: 3600,
      DIRECTORY_INCREMENTAL_SYNC_SECONDS: 60,
      JWT_SECRET: '',
      METRICS_TOKEN: '',
      EMERGENCY_WEBHOOK_TOKEN: '',
      EMERGENCY_WEBHOOK_MAX_PER_MINUTE: 3,
      EMERGENCY_IDEMPOTENCY_HOURS: 24,
      JWT_TTL_SECONDS: 900,
      REFRESH_TTL_SECONDS: 28_800,
      HERALD_ADMIN_GROUPS: ['herald-admins'],
      HERALD_AUTHOR_GROUPS: ['herald-authors'],
      HERALD_CRISIS_GROUPS: ['herald-crisis'],
      HERALD_AUDITOR_GROUPS: ['herald-auditors'],
      HERALD_AUTHOR_SCOPES: {},
      LOGIN_MAX_FAILURES: 5,
      LOGIN_MAX_FAILURES_PER_CLIENT: 50,
      LOGIN_LOCKOUT_SECONDS: 900,
      AUDIT_SIGNING_KEY: '',
      AUDIT_CHECKPOINT_EVERY: 1_000,
      AUDIT_RETENTION_DAYS: {},
      AUDIT_AGGREGATE_ONLY: false,
      HOST: '0.0.0.0',
      PORT: 3000,
      PUBLIC_URL: '',
      TRUST_PROXY: '',
      SMTP_URL: '',
      HERALD_MAIL_FROM: '',
      SMTP_REQUIRE_TLS: false,
      SMTP_CA_FILE: '',
      SMTP_TIMEOUT_MS: 10_000,
      SMTP_MAX_ATTEMPTS: 4,
      SMTP_RETRY_DELAY_MS: 2_000,
      LOG_LEVEL: 'info',
      RECEIPT_BATCH_MS: 100,
      RECEIPT_BATCH_SIZE: 500,
      FANOUT_CHUNK_SIZE: 1_000,
      ALERT_DEFAULT_VALIDITY_HOURS: 24,
      SUMMARY_REFRESH_MS: 500,
      DND_RELEASE_TICK_MS: 15_000,
      SCHEDULER_TICK_MS: 1_000,
      SCHEDULER_LEASE_MS: 60_000,
      SCHEDULER_MISSED_AFTER_MS: 60_000,
      SCHEDULER_MISSED_FIRINGS: 'fire-if-valid',
      SCHEDULER_RETENTION_DAYS: 30,
      SCHEDULER_PURGE_INTERVAL_HOURS: 24,
      PRESENCE_WINDOW_MINUTES: 60,
      PRESENCE_HEARTBEAT_SECONDS: 300,
      PRESENCE_RETENTION_DAYS: 30,
    });
  });

  test('presence settings are bounded; a heartbeat as long as the window is refused', () => {
    configError(() => loadEnv({ PRESENCE_WINDOW_MINUTES: '0' }), 'PRESENCE_WINDOW_MINUTES');
    configError(() => loadEnv({ PRESENCE_WINDOW_MINUTES: '1', PRESENCE_HEARTBEAT_SECONDS: '60' }), 'PRESENCE_HEARTBEAT_SECONDS');
    configError(() => loadEnv({ LDAP_COMPUTER_FILTER: 'objectClass=device' }), 'LDAP_COMPUTER_FILTER');
    assert.equal(loadEnv({ PRESENCE_WINDOW_MINUTES: '2', PRESENCE_HEARTBEAT_SECONDS: '30' }).PRESENCE_HEARTBEAT_SECONDS, 30);
  });

  test('values are coerced, empty strings fall back to defaults, unknown variables are ignored', () => {
    const env = loadEnv({ PORT: '8080', HERALD_ADMIN_GROUPS: ' a, b ,,c ', LOG_LEVEL: '', SOMETHING_ELSE: 'x' });
    assert.equal(env.PORT, 8080);
    assert.deepEqual(env.HERALD_ADMIN_GROUPS, ['a', 'b', 'c']);
    assert.equal(env.LOG_LEVEL, 'info');
    assert.equal(Object.hasOwn(env, 'SOMETHING_ELSE'), false);
    assert.equal(ENV_KEYS.includes('PORT'), true);
  });

  test('AUDIT_RETENTION_DAYS parses class=days pairs and names itself when malformed', () => {
    assert.deepEqual(loadEnv({ AUDIT_RETENTION_DAYS: 'delivery=365,auth=90,*=3650' }).AUDIT_RETENTION_DAYS, { delivery: 365, auth: 90, '*': 3650 });
    configError(() => loadEnv({ AUDIT_RETENTION_DAYS: 'delivery:365' }), 'AUDIT_RETENTION_DAYS');
  });

  test('HERALD_AUTHOR_SCOPES maps author groups to target groups; a malformed entry names the variable', () => {
    assert.deepEqual(loadEnv({ HERALD_AUTHOR_SCOPES: ' herald-authors = engineering, operations ; team-leads=developers;herald-authors=sales ' }).HERALD_AUTHOR_SCOPES, {
      'herald-authors': ['engineering', 'operations', 'sales'],
      'team-leads': ['developers'],
    });
    for (const bad of ['herald-authors', 'herald-authors=', '=engineering', 'a=b;c']) configError(() => loadEnv({ HERALD_AUTHOR_SCOPES: bad }), 'HERALD_AUTHOR_SCOPES');
  });

  test('defaults argument applies below the environment', () => {
    assert.equal(loadEnv({}, { PORT: '4000' }).PORT, 4000);
    assert.equal(loadEnv({ PORT: '5000' }, { PORT: '4000' }).PORT, 5000);
  });

  test('a bad PORT names PORT', () => {
    for (const bad of ['abc', '70000', '-1', '3000.5']) {
      const msg = configError(() => loadEnv({ PORT: bad }), 'PORT');
      assert.ok(msg.includes(`(got ${JSON.stringify(bad)})`), msg);
    }
  });

  test('scheduler settings are validated: tick interval bounds, missed-firing policy', () => {
    configError(() => loadEnv({ SCHEDULER_TICK_MS: '10' }), 'SCHEDULER_TICK_MS');
    configError(() => loadEnv({ SCHEDULER_MISSED_FIRINGS: 'sometimes' }), 'SCHEDULER_MISSED_FIRINGS');
    assert.equal(loadEnv({ SCHEDULER_TICK_MS: '250', SCHEDULER_MISSED_FIRINGS: 'skip' }).SCHEDULER_TICK_MS, 250);
  });

  test('a bad HERALD_BUS names HERALD_BUS', () => {
    const msg = configError(() => loadEnv({ HERALD_BUS: 'kafka' }), 'HERALD_BUS');
    assert.ok(msg.includes('(got "kafka")'), msg);
  });

  test('every bad variable is listed, not only the first', () => {
    const msg = configError(() => loadEnv({ PORT: 'x', HERALD_BUS: 'kafka', LOG_LEVEL: 'loud' }), 'PORT');
    assert.match(msg, /^  HERALD_BUS: /m);
    assert.match(msg, /^  LOG_LEVEL: /m);
  });

  test('EMERGENCY_WEBHOOK_TOKEN shorter than 24 characters is refused', () => {
    const msg = configError(() => loadEnv({ EMERGENCY_WEBHOOK_TOKEN: 'w'.repeat(23) }), 'EMERGENCY_WEBHOOK_TOKEN');
    assert.ok(msg.includes('EMERGENCY_WEBHOOK_TOKEN: must be at least 24 characters'), msg);
    assert.equal(loadEnv({ EMERGENCY_WEBHOOK_TOKEN: 'w'.repeat(24) }).EMERGENCY_WEBHOOK_TOKEN, 'w'.repeat(24));
  });

  test('the webhook limit and the idempotency window are bounded', () => {
    for (const bad of ['0', '61', '2.5', 'many']) configError(() => loadEnv({ EMERGENCY_WEBHOOK_MAX_PER_MINUTE: bad }), 'EMERGENCY_WEBHOOK_MAX_PER_MINUTE');
    for (const bad of ['0', '721']) configError(() => loadEnv({ EMERGENCY_IDEMPOTENCY_HOURS: bad }), 'EMERGENCY_IDEMPOTENCY_HOURS');
    const env = loadEnv({ EMERGENCY_WEBHOOK_MAX_PER_MINUTE: '10', EMERGENCY_IDEMPOTENCY_HOURS: '72' });
    assert.deepEqual([env.EMERGENCY_WEBHOOK_MAX_PER_MINUTE, env.EMERGENCY_IDEMPOTENCY_HOURS], [10, 72]);
  });

  test('SMTP_URL must be an smtp(s) URL, and needs HERALD_MAIL_FROM', () => {
    for (const bad of ['mail.example.com', 'http://mail:25', 'smtp://', 'smtp://mail:25/path']) configError(() => loadEnv({ SMTP_URL: bad, HERALD_MAIL_FROM: 'h@x.org' }), 'SMTP_URL');
    configError(() => loadEnv({ SMTP_URL: 'smtp://mail:25' }), 'HERALD_MAIL_FROM');
    const secret = configError(() => loadEnv({ SMTP_URL: 'smtp://herald:s3cret@mail:25/x', HERALD_MAIL_FROM: 'h@x.org' }), 'SMTP_URL');
    assert.ok(secret.includes('smtp://herald:***@mail:25/x') && !secret.includes('s3cret'), secret);
    configError(() => loadEnv({ SMTP_URL: 'smtp://mail:25', HERALD_MAIL_FROM: 'Herald' }), 'HERALD_MAIL_FROM');
    const env = loadEnv({ SMTP_URL: 'smtps://u%40x:p%2Fw@mail.example.com:465', HERALD_MAIL_FROM: 'Herald <herald@example.com>', SMTP_REQUIRE_TLS: 'true' });
    assert.equal(env.SMTP_URL, 'smtps://u%40x:p%2Fw@mail.example.com:465');
    assert.equal(env.SMTP_REQUIRE_TLS, true);
    configError(() => loadEnv({ SMTP_MAX_ATTEMPTS: '0' }), 'SMTP_MAX_ATTEMPTS');
  });

  test('METRICS_TOKEN shorter than 16 characters is refused', () => {
    const msg = configError(() => loadEnv({ METRICS_TOKEN: 'short' }), 'METRICS_TOKEN');
    assert.ok(msg.includes('METRICS_TOKEN: must be at least 16 characters'), msg);
    assert.equal(loadEnv({ METRICS_TOKEN: 'm'.repeat(16) }).METRICS_TOKEN, 'm'.repeat(16));
  });

  test('JWT_SECRET shorter than 32 characters is refused; 32 is accepted', () => {
    const msg = configError(() => loadEnv({ JWT_SECRET: 'x'.repeat(31) }), 'JWT_SECRET');
    assert.ok(msg.includes('JWT_SECRET: must be at least 32 characters'), msg);
    assert.equal(loadEnv({ JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET, 'x'.repeat(32));
  });

  test('HERALD_BUS=rabbitmq requires AMQP_URL to be given explicitly', () => {
    const msg = configError(() => loadEnv({ HERALD_BUS: 'rabbitmq' }), 'AMQP_URL');
    assert.ok(msg.includes('AMQP_URL: required when HERALD_BUS=rabbitmq'), msg);
    configError(() => loadEnv({ HERALD_BUS: 'rabbitmq', AMQP_URL: '' }), 'AMQP_URL');
    const env = loadEnv({ HERALD_BUS: 'rabbitmq', AMQP_URL: 'amqp://u:p@mq:5672' });
    assert.equal(env.HERALD_BUS, 'rabbitmq');
    assert.equal(env.AMQP_URL, 'amqp://u:p@mq:5672');
    assert.equal(loadEnv({ HERALD_BUS: 'rabbitmq' }, { AMQP_URL: 'amqp://d:5672' }).AMQP_URL, 'amqp://d:5672');
  });

  test('the other required-URL rules: mongodb store and ldap directory', () => {
    configError(() => loadEnv({ HERALD_STORE: 'mongodb' }), 'MONGODB_URL');
    configError(() => loadEnv({ HERALD_DIRECTORY: 'ldap' }), 'LDAP_URL');
    assert.equal(loadEnv({ HERALD_DIRECTORY: 'ldap', LDAP_URL: 'ldaps://dc1:636' }).LDAP_URL, 'ldaps://dc1:636');
    configError(() => loadEnv({ LDAP_URL: 'http://dc1' }), 'LDAP_URL');
  });
});
