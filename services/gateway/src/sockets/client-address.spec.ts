import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';
import { clientAddress, TrustProxy } from './client-address';

/** The gateway uses Express's compiled TRUST_PROXY setting; so does this test, with the same values. */
const trustOf = (setting?: string | number): TrustProxy => {
  const app = new ExpressAdapter().getInstance<{ set(k: string, v: unknown): void; get(k: string): unknown }>();
  if (setting !== undefined) app.set('trust proxy', setting);
  return app.get('trust proxy fn') as TrustProxy;
};
const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('the address a client connects from', () => {
  test('without TRUST_PROXY the header is ignored: a client cannot choose its address', () => {
    assert.equal(clientAddress(req('203.0.113.7', '10.1.2.3'), trustOf()), '203.0.113.7');
    assert.equal(clientAddress(req('::ffff:127.0.0.2'), trustOf()), '127.0.0.2', 'IPv4-mapped peers read as IPv4');
  });

  test('through trusted proxies the first untrusted hop from the right is the client', () => {
    assert.equal(clientAddress(req('127.0.0.1', '10.1.2.3'), trustOf('loopback')), '10.1.2.3');
    // a forged left-most entry is not believed: the trusted proxy appended the address it saw
    assert.equal(clientAddress(req('127.0.0.1', '10.9.9.9, 198.51.100.4'), trustOf('loopback')), '198.51.100.4');
    assert.equal(clientAddress(req('127.0.0.1', '10.9.9.9, 198.51.100.4'), trustOf(2)), '10.9.9.9', 'hop count');
    assert.equal(clientAddress(req('203.0.113.7', '10.1.2.3'), trustOf('loopback')), '203.0.113.7', 'the peer is no trusted proxy');
    assert.equal(clientAddress(req('127.0.0.1'), trustOf('loopback')), '127.0.0.1', 'no header: the proxy itself');
  });
});
