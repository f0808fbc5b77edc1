import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientReceipt } from '@herald/contracts';
import { ReceiptQueue, SendOutcome } from './receipt-queue';
import { MemoryStorage } from './storage';

const fast = { baseMs: 1, maxMs: 5 };
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('ReceiptQueue', () => {
  test('offline receipts wait in storage and are sent in order once a sender exists, each once', async () => {
    const storage = new MemoryStorage();
    const q = new ReceiptQueue(storage, fast);
    q.add({ occurrenceId: 'a.1', state: 'delivered' });
    q.add({ occurrenceId: 'a.1', state: 'acknowledged' });
    q.add({ occurrenceId: 'a.1', state: 'acknowledged' });
    assert.equal(q.pending.length, 2, 'the same receipt is not queued twice');

    // A new process (same storage) sends what the previous one could not.
    const sent: ClientReceipt[] = [];
    const q2 = new ReceiptQueue(storage, fast);
    q2.setSender(async (r) => (sent.push(r), 'confirmed'));
    await settle();
    assert.deepEqual(sent, [{ occurrenceId: 'a.1', state: 'delivered' }, { occurrenceId: 'a.1', state: 'acknowledged' }]);
    assert.equal(q2.pending.length, 0);
    assert.equal(storage.getItem('herald.receipts.v1'), '[]');
    q.close();
  });

  test('retries with back-off until the server confirms; drops what the server refuses as invalid', async () => {
    const calls: Record<string, number> = {};
    const q = new ReceiptQueue(new MemoryStorage(), fast);
    q.setSender(async (r) => {
      calls[r.occurrenceId] = (calls[r.occurrenceId] ?? 0) + 1;
      if (r.occurrenceId === 'bad') return 'rejected';
      return calls[r.occurrenceId] < 3 ? 'retry' : 'confirmed';
    });
    q.add({ occurrenceId: 'a.1', state: 'displayed' });
    q.add({ occurrenceId: 'bad', state: 'displayed' });
    await settle();
    assert.deepEqual(calls, { 'a.1': 3, bad: 1 }, 'retried until confirmed; the refused one is not sent again');
    assert.equal(q.pending.length, 0);
    q.close();
  });

  test('a backlog drains in waves of at most `window` receipts in flight', async () => {
    const storage = new MemoryStorage();
    const offline = new ReceiptQueue(storage, fast);
    for (let i = 0; i < 10; i++) offline.add({ occurrenceId: `a.${i}`, state: 'acknowledged' });
    let inFlight = 0;
    let most = 0;
    const sent: string[] = [];
    const q = new ReceiptQueue(storage, fast, Math.random, 4);
    q.setSender(async (r) => {
      most = Math.max(most, ++inFlight);
      await new Promise((res) => setTimeout(res, 2));
      inFlight--;
      sent.push(r.occurrenceId);
      return 'confirmed';
    });
    await settle();
    assert.equal(most, 4);
    assert.deepEqual(sent.sort(), Array.from({ length: 10 }, (_, i) => `a.${i}`).sort());
    assert.equal(q.pending.length, 0);
    q.close();
  });

  test('a sender that throws counts as a retry; losing the connection stops sending and keeps the receipt', async () => {
    const q = new ReceiptQueue(new MemoryStorage(), { baseMs: 10_000, maxMs: 10_000 });
    let calls = 0;
    q.setSender(async () => {
      calls++;
      throw new Error('socket closed');
    });
    q.add({ occurrenceId: 'a.1', state: 'acknowledged' });
    await settle();
    q.setSender(undefined);
    assert.equal(calls, 1, 'the next try waits for the back-off');
    assert.equal(q.pending.length, 1, 'kept for the next connection');
    q.close();
  });
});
