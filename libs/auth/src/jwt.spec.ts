import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { ForbiddenError, UnauthorizedError } from '@herald/contracts';
import { bearer, TokenService } from './jwt';
import { authorScope, hasRole, Principal, requireRole, rolesFromGroups } from './principal';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const OTHER = 'another-secret-that-is-also-long-enough-9876543210';
const carol: Principal = { userId: 'carol', displayName: 'Carol Clark', roles: ['admin', 'recipient'] };
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

function unauthorized(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UnauthorizedError, `expected UnauthorizedError, got ${String(err)}`);
    assert.equal(err.status, 401);
    assert.equal(err.message, message);
    return true;
  });
}

describe('TokenService', () => {
  const tokens = new TokenService(SECRET, 3600);

  test('refuses a secret shorter than 32 characters', () => {
    assert.throws(() => new TokenService('x'.repeat(31), 60), { message: 'JWT secret must be at least 32 characters' });
    assert.doesNotThrow(() => new TokenService('x'.repeat(32), 60));
  });

  test('issue/verify roundtrip', () => {
    const { token, expiresIn } = tokens.issue(carol);
    assert.equal(expiresIn, 3600);
    assert.deepEqual(tokens.verify(token), carol);
    const decoded = jwt.decode(token, { complete: true });
    assert.equal(decoded?.header.alg, 'HS256');
    const payload = decoded?.payload as jwt.JwtPayload;
    assert.equal(payload.sub, 'carol');
    assert.equal(payload.iss, 'herald');
    assert.equal(payload.exp! - payload.iat!, 3600);
    const dave: Principal = { userId: 'dave', displayName: 'Dave Dubois', roles: ['recipient'] };
    assert.deepEqual(tokens.verify(tokens.issue(dave).token), dave);
  });

  test('missing token', () => {
    unauthorized(() => tokens.verify(undefined), 'missing bearer token');
    unauthorized(() => tokens.verify(''), 'missing bearer token');
  });

  test('tampered payload or signature', () => {
    const { token } = tokens.issue({ userId: 'dave', displayName: 'Dave', roles: ['recipient'] });
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${b64url({ ...payload, roles: ['admin', 'recipient'] })}.${s}`;
    unauthorized(() => tokens.verify(forged), 'invalid token');
    const flipped = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    unauthorized(() => tokens.verify(flipped), 'invalid token');
    unauthorized(() => tokens.verify('not.a.jwt'), 'invalid token');
    unauthorized(() => tokens.verify('garbage'), 'invalid token');
  });

  test('expired token', () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ name: 'Carol', roles: ['admin'], iat: now - 120, exp: now - 60 }, SECRET, { algorithm: 'HS256', subject: 'carol', issuer: 'herald' });
    unauthorized(() => tokens.verify(expired), 'token expired');
    // the same claims, not expired, are accepted: only the expiry made the difference
    const fresh = jwt.sign({ name: 'Carol', roles: ['admin'], iat: now, exp: now + 60 }, SECRET, { algorithm: 'HS256', subject: 'carol', issuer: 'herald' });
    assert.deepEqual(tokens.verify(fresh), { userId: 'carol', displayName: 'Carol', roles: ['admin'] });
  });

  test('token signed with another secret', () => {
    const { token } = new TokenService(OTHER, 3600).issue(carol);
    unauthorized(() => tokens.verify(token), 'invalid token');
  });

  test('alg=none (unsigned) token', () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { name: 'Mallory', roles: ['admin', 'recipient'], sub: 'mallory', iss: 'herald', iat: now, exp: now + 600 };
    unauthorized(() => tokens.verify(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`), 'invalid token');
    unauthorized(() => tokens.verify(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}`), 'invalid token');
    // HS512 with the right secret is not accepted either: only HS256
    unauthorized(() => tokens.verify(jwt.sign(claims, SECRET, { algorithm: 'HS512' })), 'invalid token');
  });

  test('wrong issuer and malformed claims', () => {
    const wrongIssuer = jwt.sign({ name: 'Carol', roles: ['admin'] }, SECRET, { algorithm: 'HS256', subject: 'carol', issuer: 'someone-else', expiresIn: 60 });
    unauthorized(() => tokens.verify(wrongIssuer), 'invalid token');
    const badRole = jwt.sign({ name: 'Carol', roles: ['root'] }, SECRET, { algorithm: 'HS256', subject: 'carol', issuer: 'herald', expiresIn: 60 });
    unauthorized(() => tokens.verify(badRole), 'invalid token claims');
    const noSubject = jwt.sign({ name: 'Carol', roles: ['admin'] }, SECRET, { algorithm: 'HS256', issuer: 'herald', expiresIn: 60 });
    unauthorized(() => tokens.verify(noSubject), 'invalid token claims');
  });
});

describe('bearer', () => {
  test('extracts the token from an Authorization header', () => {
    assert.equal(bearer('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(bearer('bearer   abc'), 'abc');
    assert.equal(bearer(undefined), undefined);
    assert.equal(bearer(''), undefined);
    assert.equal(bearer('Basic dXNlcjpwYXNz'), undefined);
    assert.equal(bearer('Bearer a b'), undefined);
    assert.equal(bearer('Bearer '), undefined);
  });
});

describe('roles', () => {
  const groups = { admin: ['herald-admins'], author: ['herald-authors', 'team-leads'], crisis: ['herald-crisis'], auditor: ['herald-auditors'] };

  test('rolesFromGroups: each role from its groups (case-insensitive), in ROLES order; everyone is a recipient', () => {
    assert.deepEqual(rolesFromGroups(['developers', 'herald-admins'], groups), ['admin', 'recipient']);
    assert.deepEqual(rolesFromGroups(['HERALD-Admins'], groups), ['admin', 'recipient']);
    assert.deepEqual(rolesFromGroups(['team-leads'], groups), ['author', 'recipient']);
    assert.deepEqual(rolesFromGroups(['herald-crisis'], groups), ['crisis', 'recipient']);
    assert.deepEqual(rolesFromGroups(['herald-auditors'], groups), ['auditor', 'recipient']);
    assert.deepEqual(rolesFromGroups(['herald-auditors', 'herald-crisis', 'herald-authors', 'herald-admins'], groups), ['admin', 'author', 'crisis', 'auditor', 'recipient']);
    assert.deepEqual(rolesFromGroups(['developers', 'all-staff'], groups), ['recipient']);
    assert.deepEqual(rolesFromGroups([], groups), ['recipient']);
    assert.deepEqual(rolesFromGroups(['herald-admins'], {}), ['recipient']);
    assert.deepEqual(rolesFromGroups(['herald-admins-old', 'herald-author'], groups), ['recipient']);
  });

  test('authorScope: union of the scopes of the author groups held; none configured means nobody', () => {
    const scopes = { 'herald-authors': ['engineering'], 'Team-Leads': ['developers', 'operations'] };
    assert.deepEqual(authorScope(['herald-authors'], scopes), ['engineering']);
    assert.deepEqual(authorScope(['team-leads', 'HERALD-AUTHORS'], scopes), ['developers', 'engineering', 'operations']);
    assert.deepEqual(authorScope(['developers'], scopes), []);
    assert.deepEqual(authorScope(['herald-authors'], {}), []);
  });

  test('the author scope travels in the token', () => {
    const frank: Principal = { userId: 'frank', displayName: 'Frank', roles: ['author', 'recipient'], scope: ['engineering'] };
    const tokens = new TokenService(SECRET, 60);
    assert.deepEqual(tokens.verify(tokens.issue(frank).token), frank);
  });

  test('requireRole passes holders of any listed role and throws ForbiddenError for others', () => {
    assert.doesNotThrow(() => requireRole(carol, 'admin', 'sending an alert'));
    assert.doesNotThrow(() => requireRole(carol, 'recipient', 'reading'));
    assert.doesNotThrow(() => requireRole({ userId: 'a', displayName: 'A', roles: ['author', 'recipient'] }, ['admin', 'author'], 'sending an alert'));
    const dave: Principal = { userId: 'dave', displayName: 'Dave', roles: ['recipient'] };
    assert.throws(() => requireRole(dave, 'admin', 'sending an alert'), (err: unknown) => err instanceof ForbiddenError && err.status === 403 && err.message === 'sending an alert requires the admin role');
    assert.throws(() => requireRole(dave, ['admin', 'auditor'], 'reading'), (err: unknown) => err instanceof ForbiddenError && err.message === 'reading requires the admin or auditor role');
    assert.equal(hasRole(dave, 'admin', 'recipient'), true);
    assert.equal(hasRole(dave, 'admin', 'author'), false);
  });
});
