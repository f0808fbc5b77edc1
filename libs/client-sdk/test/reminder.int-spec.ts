import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ClientAlert, ClientToServerEvents, ServerToClientEvents } from '@herald/contracts';
import { HeraldClient, MemoryStorage } from '@herald/client-sdk';
import { eventually } from '@herald/testing';

const alert = (id: string, reminder?: number): ClientAlert => ({ occurrenceId: id, alertId: id.split('@')[0], title: id, body: '', severity: 'warning', presentation: 'popup', sentAt: new Date().toISOString(), validUntil: new Date(Date.now() + 3_600_000).toISOString(), ...(reminder ? { reminder } : {}) });

/** Reminders as the client sees them: the delivery service re-pushes an unacknowledged occurrence with `reminder: n`. */
describe('HeraldClient and reminders', () => {
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
