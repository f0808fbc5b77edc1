import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryView } from '@herald/contracts';
import { summarize } from './summarize';

const at = '2026-01-01T00:00:00.000Z';
const delivery = (userId: string, o: Partial<DeliveryView> = {}): DeliveryView => ({
  userId,
  occurrenceId: 'a.1',
  state: 'targeted',
  targetedAt: at,
  sentAt: null,
  deliveredAt: null,
  displayedAt: null,
  acknowledgedAt: null,
  expiredAt: null,
  recalledAt: null,
  respondedAt: null,
  response: null,
  reminders: 0,
  lastRemindedAt: null,
  client: null,
  escalation: null,
  heldUntil: null,
  ...o,
});
const options = [
  { id: 'safe', label: 'I am safe' },
  { id: 'help', label: 'I need help' },
];

test('counts by state and by answer add up; the unanswered are listed with their directory details (phone included), manager and escalation', () => {
  const s = summarize(
    'a',
    options,
    [
      delivery('zoe', { state: 'displayed' }),
      delivery('amy', { state: 'responded', acknowledgedAt: at, respondedAt: at, response: { optionId: 'help', comment: 'floor 3' } }),
      delivery('bob', { state: 'responded', acknowledgedAt: at, respondedAt: at, response: { optionId: 'help' } }),
      delivery('cat', { state: 'acknowledged', acknowledgedAt: at }),
      delivery('dan', { escalation: { at, channel: 'email', state: 'sent', to: 'dan@x', attempts: 1 } }),
    ],
    new Map([['zoe', { id: 'zoe', displayName: 'Zoe', mail: 'zoe@x', phone: '+33 1 99 00 00 25 (ext. 2)', department: 'Ops', location: 'Paris', manager: { id: 'max', dn: 'uid=max,dc=x', displayName: 'Max', mail: 'max@x', phone: '+33 1 99 00 00 03' } }]]),
    null,
  );
  assert.equal(s.recipients, 5);
  assert.deepEqual(s.byState, { targeted: 1, sent: 0, delivered: 0, displayed: 1, acknowledged: 1, responded: 2, expired: 0, recalled: 0 });
  assert.deepEqual(s.byResponse, [
    { id: 'safe', label: 'I am safe', count: 0 },
    { id: 'help', label: 'I need help', count: 2 },
  ]);
  assert.deepEqual(s.unanswered, [
    { userId: 'cat', state: 'acknowledged' },
    { userId: 'dan', state: 'targeted', escalation: { at, channel: 'email', state: 'sent', to: 'dan@x', attempts: 1 } },
    { userId: 'zoe', state: 'displayed', displayName: 'Zoe', mail: 'zoe@x', phone: '+33 1 99 00 00 25 (ext. 2)', department: 'Ops', location: 'Paris', manager: { id: 'max', dn: 'uid=max,dc=x', displayName: 'Max', mail: 'max@x', phone: '+33 1 99 00 00 03' } },
  ]);
});

test('who answered "I need help" is listed with details and comment, earliest answer first', () => {
  const later = '2026-01-01T00:05:00.000Z';
  const s = summarize(
    'a',
    options,
    [
      delivery('amy', { state: 'responded', acknowledgedAt: later, respondedAt: later, response: { optionId: 'help', comment: 'floor 3' } }),
      delivery('bob', { state: 'responded', acknowledgedAt: at, respondedAt: at, response: { optionId: 'help' } }),
      delivery('cat', { state: 'responded', acknowledgedAt: at, respondedAt: at, response: { optionId: 'safe', comment: 'fine' } }),
    ],
    new Map([['amy', { id: 'amy', displayName: 'Amy', location: 'Lyon' }]]),
    null,
  );
  assert.deepEqual(s.needHelp, [
    { userId: 'bob', respondedAt: at },
    { userId: 'amy', respondedAt: later, displayName: 'Amy', location: 'Lyon', comment: 'floor 3' },
  ]);
  assert.deepEqual(s.unanswered, []);
});

test('without answers, an acknowledgement settles a recipient', () => {
  const s = summarize('a', undefined, [delivery('cat', { state: 'acknowledged', acknowledgedAt: at }), delivery('dan')], new Map(), null);
  assert.deepEqual(s.byResponse, []);
  assert.deepEqual(s.unanswered.map((u) => u.userId), ['dan']);
});
