import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { AlertRecall, ClientAlert, ClientToServerEvents, ServerToClientEvents } from '@herald/contracts';
import { HeraldClient, MemoryStorage } from '@herald/client-sdk';
import { eventually } from '@herald/testing';

const alert = (id: string): ClientAlert => ({ occurrenceId: id, alertId: id.split('.')[0], title: id, body: '', severity: 'warning', presentation: 'popup', sentAt: new Date().toISOString(), validUntil: new Date(Date.now() + 3_600_000).toISOString() });

/**
 * `alert:recall` as the client sees it. Herald's server emits it once the scheduling work lands; until then a
 * scripted Socket.IO server (the real library, speaking the shared event map) plays the gateway's part.
 */
describe('HeraldClient and alert:recall', () => {
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
});
