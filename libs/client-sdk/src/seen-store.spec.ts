import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientAlert } from '@herald/contracts';
import { SeenStore } from './seen-store';
import { MemoryStorage } from './storage';

const alert = (id: string): ClientAlert => ({ occurrenceId: id, alertId: id.split('.')[0], title: `t ${id}`, body: '', severity: 'info', presentation: 'popup', sentAt: '2026-01-01T00:00:00Z', validUntil: '2026-01-02T00:00:00Z' });
const AT = '2026-01-01T00:00:00.000Z';

describe('SeenStore (persisted de-duplication)', () => {
  test('states only move forward; a repeated mark reports no change', () => {
    const s = new SeenStore(new MemoryStorage());
    assert.equal(s.mark('a.1', 'received', AT, alert('a.1')), true);
    assert.equal(s.mark('a.1', 'received', AT), false);
    assert.equal(s.mark('a.1', 'acknowledged', AT), true);
    assert.equal(s.mark('a.1', 'displayed', AT), false, 'acknowledged is not undone by a late displayed');
    assert.equal(s.get('a.1')?.state, 'acknowledged');
    assert.equal(s.mark('a.1', 'recalled', AT), true, 'a recall wins over everything');
  });

  test('survives a restart through its storage, and a corrupt store starts empty instead of failing', () => {
    const storage = new MemoryStorage();
    new SeenStore(storage).mark('a.1', 'displayed', AT, alert('a.1'));
    const reloaded = new SeenStore(storage);
    assert.equal(reloaded.get('a.1')?.state, 'displayed');
    assert.equal(reloaded.recent()[0].alert?.title, 't a.1');

    storage.setItem('herald.seen.v1', '{not json');
    assert.equal(new SeenStore(storage).get('a.1'), undefined);
    storage.setItem('herald.seen.v1', JSON.stringify([{ occurrenceId: 'x', state: 'bogus' }, null, { occurrenceId: 'y', state: 'received', at: AT }]));
    const filtered = new SeenStore(storage);
    assert.equal(filtered.get('x'), undefined);
    assert.equal(filtered.get('y')?.state, 'received');
  });

  test('bounded: keeps the newest ids, and alert content only for the newest few', () => {
    const storage = new MemoryStorage();
    const s = new SeenStore(storage, 5, 2);
    for (let i = 1; i <= 8; i++) s.mark(`a.${i}`, 'received', AT, alert(`a.${i}`));
    assert.equal(s.get('a.3'), undefined, 'oldest ids dropped');
    assert.equal(s.get('a.4')?.state, 'received');
    assert.deepEqual(s.recent().map((e) => e.occurrenceId), ['a.8', 'a.7'], 'newest first, only two with content');
    assert.equal(JSON.parse(storage.getItem('herald.seen.v1')!).length, 5);
  });
});
