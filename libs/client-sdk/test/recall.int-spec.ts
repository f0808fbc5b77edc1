import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { AlertRecall, ClientAlert, ClientToServerEvents, ServerToClientEvents } from '@herald/contracts';
import { HeraldClient, MemoryStorage } from '@herald/client-sdk';
import { eventually } from '@herald/testing';

const alert = (id: string, reminder?: number): ClientAlert => ({ occurrenceId: id, alertId: id.split(/[.@]/)[0], title: id, body: '', severity: 'warning', presentation: 'popup', sentAt: new Date().toISOString(), validUntil: new Date(Date.now() + 3_600_000).toISOString(), ...(reminder ? { reminder } : {}) });

/**
 * Server-driven changes to what is on screen, as the client sees them: `alert:recall` and reminders (`alert` with
 * `reminder: n`). A scripted Socket.IO server (the real library, speaking the shared event map) plays the gateway,
 * so each edge case is sent exactly as written; test/e2e/scheduling.e2e-spec.ts covers the real gateway.
 */
describe('HeraldClient: alert:recall and reminders', () => {
  let http: HttpServer;
  let io: Server<ClientToServerEvents, ServerToClientEvents>;
  let url: string;

  before(async () => {
    http = createServer();
    io = new Server(http);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  });
  after(async () => {
    await io.close();
  });

  test('a recalled alert is withdrawn and never presented again, even when resent or after a restart', async () => {
    const storage = new MemoryStorage();
    io.removeAllListeners('connection');
    io.on('connection', (socket) => {
      socket.on('receipt', (_r, ack) => ack?.({ ok: true }));
      socket.emit('alert', alert('a.1'));
      socket.emit('alert', alert('b.1'));
      socket.emit('alert:recall', { occurrenceId: 'a.1', alertId: 'a' });
      socket.emit('alert:recall', { occurrenceId: 'c.1', alertId: 'c' }); // recalled before it ever arrived
      socket.emit('alert', alert('a.1'));
      socket.emit('alert', alert('c.1'));
    });
    const client = new HeraldClient({ url, getToken: () => 't', storage, backoff: { baseMs: 20, maxMs: 50 } });
    const shown: string[] = [];
    const recalled: AlertRecall[] = [];
    client.on('alert', ({ alert }) => shown.push(alert.occurrenceId));
    client.on('recall', (r) => recalled.push(r));
    client.start();
    await eventually(() => recalled.length === 2, 5_000, 'two recalls');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(shown, ['a.1', 'b.1']);
    assert.deepEqual(recalled, [{ occurrenceId: 'a.1', alertId: 'a' }, { occurrenceId: 'c.1', alertId: 'c' }]);
    assert.equal(client.stateOf('a.1'), 'recalled');
    client.stop();

    const restarted = new HeraldClient({ url, getToken: () => 't', storage, backoff: { baseMs: 20, maxMs: 50 } });
    const again: string[] = [];
    restarted.on('alert', ({ alert, resumed }) => again.push(`${alert.occurrenceId}${resumed ? ' (resumed)' : ''}`));
    restarted.start();
    await eventually(() => again.length >= 1, 5_000, 'the resend');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(again, ['b.1 (resumed)'], 'only the alert that was not recalled comes back');
    restarted.stop();
  });

  test('each reminder is presented again, once, as new; a plain resend is not; an acknowledged one is not reminded', async () => {
    io.removeAllListeners('connection');
    io.on('connection', (socket) => {
      socket.on('receipt', (_r, ack) => ack?.({ ok: true }));
      socket.emit('alert', alert('a@t'));
      socket.emit('alert', alert('b@t'));
      socket.emit('alert', alert('a@t')); // resend: nothing new
      socket.emit('alert', alert('a@t', 1));
      socket.emit('alert', alert('a@t', 1)); // redelivered reminder: once
      socket.emit('alert', alert('a@t', 2));
    });
    const client = new HeraldClient({ url, getToken: () => 't', storage: new MemoryStorage(), backoff: { baseMs: 20, maxMs: 50 } });
    const shown: string[] = [];
    client.on('alert', ({ alert: a, resumed }) => {
      shown.push(`${a.occurrenceId}${a.reminder ? ` r${a.reminder}` : ''}${resumed ? ' (resumed)' : ''}`);
      if (a.occurrenceId === 'b@t') client.acknowledge('b@t');
    });
    client.start();
    await eventually(() => shown.length >= 4, 5_000, 'the alerts and reminders');
    io.emit('alert', alert('b@t', 1)); // acknowledged here: not shown again
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(shown, ['a@t', 'b@t', 'a@t r1', 'a@t r2']);
    client.stop();
  });
});
