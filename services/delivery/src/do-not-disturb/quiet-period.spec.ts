import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DoNotDisturb, DoNotDisturbSchema, QuietHours } from '@herald/contracts';
import { quietPeriodEnd } from './quiet-period';

const weeknights: QuietHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '18:00', to: '08:00', timezone: 'Europe/Paris' };
const end = (s: Partial<DoNotDisturb>, now: string) => quietPeriodEnd({ quietHours: null, until: null, ...s }, new Date(now))?.toISOString() ?? null;

describe('quiet hours (Europe/Paris; 2026-03-29 02:00→03:00 and 2026-10-25 03:00→02:00)', () => {
  test('weeknights 18:00–08:00: inside ends at 08:00 local the next morning; outside is null', () => {
    assert.equal(end({ quietHours: weeknights }, '2026-03-10T19:00:00+01:00'), '2026-03-11T07:00:00.000Z', 'Tuesday evening → Wednesday 08:00');
    assert.equal(end({ quietHours: weeknights }, '2026-03-11T07:30:00+01:00'), '2026-03-11T07:00:00.000Z', 'Wednesday 07:30: the night that began Tuesday');
    assert.equal(end({ quietHours: weeknights }, '2026-03-11T12:00:00+01:00'), null, 'midday');
    assert.equal(end({ quietHours: weeknights }, '2026-03-11T08:00:00+01:00'), null, 'the end itself is outside');
    assert.equal(end({ quietHours: weeknights }, '2026-03-11T18:00:00+01:00'), '2026-03-12T07:00:00.000Z', 'the start itself is inside');
  });

  test('the day named is the evening the window starts: Friday night runs into Saturday, Saturday night is free', () => {
    assert.equal(end({ quietHours: weeknights }, '2026-03-14T06:00:00+01:00'), '2026-03-14T07:00:00.000Z', 'Saturday 06:00, from Friday night');
    assert.equal(end({ quietHours: weeknights }, '2026-03-14T20:00:00+01:00'), null, 'Saturday evening');
    assert.equal(end({ quietHours: weeknights }, '2026-03-16T06:00:00+01:00'), null, 'Monday 06:00: Sunday night is not listed');
  });

  test('windows on the same day and across the DST changes keep wall-clock times', () => {
    const lunch: QuietHours = { days: ['sun'], from: '12:00', to: '14:00', timezone: 'Europe/Paris' };
    assert.equal(end({ quietHours: lunch }, '2026-03-29T12:30:00+02:00'), '2026-03-29T12:00:00.000Z');
    const sunNights: QuietHours = { days: ['sat', 'sun'], from: '22:00', to: '07:00', timezone: 'Europe/Paris' };
    assert.equal(end({ quietHours: sunNights }, '2026-03-28T23:00:00+01:00'), '2026-03-29T05:00:00.000Z', 'spring forward: 07:00 CEST');
    assert.equal(end({ quietHours: sunNights }, '2026-10-24T23:00:00+02:00'), '2026-10-25T06:00:00.000Z', 'fall back: 07:00 CET');
  });

  test('"until" alone; "until" ending inside quiet hours runs to their end; quiet hours ending before "until" run to it', () => {
    assert.equal(end({ until: '2026-03-10T15:00:00Z' }, '2026-03-10T12:00:00Z'), '2026-03-10T15:00:00.000Z');
    assert.equal(end({ until: '2026-03-10T15:00:00Z' }, '2026-03-10T15:00:00Z'), null);
    assert.equal(end({ quietHours: weeknights, until: '2026-03-10T18:30:00Z' }, '2026-03-10T12:00:00Z'), '2026-03-11T07:00:00.000Z');
    assert.equal(end({ quietHours: weeknights, until: '2026-03-11T10:00:00Z' }, '2026-03-10T20:00:00Z'), '2026-03-11T10:00:00.000Z');
    assert.equal(end({ quietHours: weeknights, until: '2026-03-10T15:00:00Z' }, '2026-03-10T16:00:00Z'), null, 'between: neither applies');
  });

  test('a window of no length (from = to) is refused', () => {
    const none: QuietHours = { days: ['mon'], from: '08:00', to: '08:00', timezone: 'UTC' };
    assert.deepEqual(DoNotDisturbSchema.safeParse({ quietHours: none }).error?.issues[0].path, ['quietHours', 'to']);
  });

  test('settings are validated naming the field', () => {
    const issue = (input: unknown) => DoNotDisturbSchema.safeParse(input).error?.issues[0];
    assert.deepEqual(issue({ quietHours: { ...weeknights, timezone: 'Mars/Olympus' } })?.path, ['quietHours', 'timezone']);
    assert.deepEqual(issue({ quietHours: { ...weeknights, from: '25:00' } })?.path, ['quietHours', 'from']);
    assert.deepEqual(issue({ quietHours: { ...weeknights, days: ['mon', 'mon'] } })?.path, ['quietHours', 'days']);
    assert.deepEqual(issue({ quietHours: { ...weeknights, days: [] } })?.path, ['quietHours', 'days']);
    assert.deepEqual(issue({ until: 'tomorrow' })?.path, ['until']);
    assert.deepEqual(issue({ snooze: true })?.code, 'unrecognized_keys');
    assert.deepEqual(DoNotDisturbSchema.parse({}), { quietHours: null, until: null });
  });
});
