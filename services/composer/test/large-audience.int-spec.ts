import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadEnv } from '@herald/config';
import { bootHerald, createInfra, RunningHerald } from '@herald/runtime';
import { DEMO, DEMO_LDIF, login, newAlert } from '@herald/testing';
import { ALL_SERVICES } from '../../single-node/src/services';

/**
 * The largest audience the API accepts (10,000 named users) is read and judged, not refused by the HTTP layer
 * (Express's default 100 kB body limit answered it with a 500); a body beyond the limit is a 413 naming `body`.
 */
describe('large request bodies (all services in-process)', () => {
  let dir: string;
  let herald: RunningHerald;
  let carol: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-body-'));
    herald = await bootHerald('body-test', ALL_SERVICES, await createInfra(loadEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', SQLITE_DIR: dir, DIRECTORY_LDIF: DEMO_LDIF() }), 'body-test'));
    carol = await login(() => herald.url, DEMO.admin);
  });
  after(async () => {
    await herald?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown) => request(herald.url).post('/api/alerts').set('authorization', `Bearer ${carol}`).send(body as object);

  test('a 10,000-user audience is read: unknown names are a 422 on audience.users; known ones are accepted', async () => {
    const users = [...DEMO.allStaff, ...Array.from({ length: 10_000 - DEMO.allStaff.length }, (_, i) => `nobody-${String(i).padStart(5, '0')}`)];
    assert.ok(JSON.stringify({ users }).length > 100 * 1024, 'larger than the old 100 kB limit');
    const refused = await post(newAlert({ audience: { users, groups: [] } })).expect(422);
    assert.equal(refused.body.field, 'audience.users');
    await post(newAlert({ audience: { users: DEMO.allStaff, groups: [] } })).expect(201);
  });

  test('a body beyond the limit is a 413 naming the body, not a 500', async () => {
    const res = await post(newAlert({ body: `<p>${'x'.repeat(5 * 1024 * 1024)}</p>` })).expect(413);
    assert.equal(res.body.field, 'body');
    assert.match(res.body.message, /^body: larger than \d+ bytes$/);
  });
});
