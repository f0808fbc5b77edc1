import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScheduleSpec, ValidationError } from '@herald/contracts';
import { RRule } from 'rrule';
import { firingsAfter, fromFloating, occurrenceEnd, planFrom, toFloating } from './recurrence';

const NOW = new Date('2026-03-01T00:00:00Z');
const iso = (ds: Date[]) => ds.map((d) => d.toISOString());
const expand = (spec: ScheduleSpec, n: number, now = NOW) => iso(firingsAfter(planFrom(spec, now), new Date(now.getTime() - 1), n));

function refused(spec: ScheduleSpec, field: string, now = NOW): void {
  assert.throws(() => planFrom(spec, now), (err: unknown) => err instanceof ValidationError && err.field === field && err.status === 400 && err.message.startsWith(`${field}: `));
}

describe('RRULE expansion in a time zone (Europe/Paris DST: 2026-03-29 02:00→03:00, 2026-10-25 03:00→02:00)', () => {
  test('"every Monday 9:00 Paris" stays at 9:00 local across the March change (08:00Z, then 07:00Z)', () => {
    assert.deepEqual(expand({ at: '2026-03-16T09:00:00+01:00', rrule: 'FREQ=WEEKLY;BYDAY=MO', timezone: 'Europe/Paris' }, 4), [
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
    ]);
  });

  test('daily 9:00 across the October change moves from 07:00Z to 08:00Z', () => {
    const now = new Date('2026-10-01T00:00:00Z');
    assert.deepEqual(expand({ at: '2026-10-24T09:00:00+02:00', rrule: 'FREQ=DAILY', timezone: 'Europe/Paris' }, 3, now), ['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z']);
  });

  test('a time in the March gap (02:30) fires at 03:30 CEST that day, once', () => {
    assert.deepEqual(expand({ at: '2026-03-28T02:30:00+01:00', rrule: 'FREQ=DAILY;COUNT=3', timezone: 'Europe/Paris' }, 10), ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  test('a time in the October overlap (02:30 happens twice) fires once, at the first (CEST) instant', () => {
    const now = new Date('2026-10-01T00:00:00Z');
    assert.deepEqual(expand({ at: '2026-10-24T02:30:00+02:00', rrule: 'FREQ=DAILY;COUNT=3', timezone: 'Europe/Paris' }, 10, now), ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    assert.equal(fromFloating(new Date('2026-10-25T02:30:00Z'), 'Europe/Paris').toISOString(), '2026-10-25T00:30:00.000Z');
  });

  test('BYHOUR/BYMINUTE set the wall-clock time; without `at` the series starts now', () => {
    const now = new Date('2026-03-27T12:00:00Z');
    assert.deepEqual(expand({ rrule: 'FREQ=DAILY;BYHOUR=9;BYMINUTE=15;BYSECOND=0', timezone: 'Europe/Paris' }, 3, now), ['2026-03-28T08:15:00.000Z', '2026-03-29T07:15:00.000Z', '2026-03-30T07:15:00.000Z']);
  });

  test('validUntil ends the series; firingsAfter is strictly after its bound', () => {
    const plan = planFrom({ at: '2026-03-02T09:00:00Z', rrule: 'FREQ=DAILY', validUntil: '2026-03-05T00:00:00Z' }, NOW);
    assert.deepEqual(iso(firingsAfter(plan, new Date(0), 10)), ['2026-03-02T09:00:00.000Z', '2026-03-03T09:00:00.000Z', '2026-03-04T09:00:00.000Z']);
    assert.deepEqual(iso(firingsAfter(plan, new Date('2026-03-03T09:00:00Z'), 10)), ['2026-03-04T09:00:00.000Z']);
  });

  test('a one-shot fires once at `at`, or now when only validFrom (in the past) is given', () => {
    assert.deepEqual(expand({ at: '2026-03-02T10:00:00Z' }, 5), ['2026-03-02T10:00:00.000Z']);
    assert.deepEqual(expand({ validFrom: '2026-02-28T10:00:00Z', validUntil: '2026-03-01T18:00:00Z' }, 5), ['2026-03-01T00:00:00.000Z']);
  });
});

describe('long-running series', () => {
  /** Independent oracle: rrule from the real anchor, no shortcut, each floating time placed in the zone. */
  const bruteForce = (rrule: string, start: string, zone: string, after: Date, n: number): string[] => {
    const rule = new RRule({ ...RRule.parseString(rrule), dtstart: toFloating(new Date(start), zone) });
    const out = rule.between(new Date(toFloating(after, zone).getTime() - 86_400_000), new Date(toFloating(after, zone).getTime() + 90 * 86_400_000)).map((f) => fromFloating(f, zone));
    return iso(out.filter((t) => t > after).slice(0, n));
  };

  test('expanding years into a series gives what expanding from its first occurrence gives, across DST', () => {
    const start = '2020-01-06T02:30:00+01:00';
    for (const rrule of ['FREQ=MINUTELY;INTERVAL=7', 'FREQ=HOURLY;INTERVAL=5', 'FREQ=DAILY;INTERVAL=3', 'FREQ=DAILY', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE', 'FREQ=WEEKLY', 'FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0']) {
      const plan = planFrom({ at: start, rrule, timezone: 'Europe/Paris' }, new Date('2020-01-01T00:00:00Z'));
      for (const after of ['2026-03-28T20:00:00Z', '2026-10-24T22:00:00Z']) {
        assert.deepEqual(iso(firingsAfter(plan, new Date(after), 5)), bruteForce(rrule, start, 'Europe/Paris', new Date(after), 5), `${rrule} after ${after}`);
      }
    }
  });

  test('COUNT keeps counting from the first occurrence', () => {
    const plan = planFrom({ at: '2026-03-02T09:00:00Z', rrule: 'FREQ=DAILY;COUNT=10' }, NOW);
    assert.deepEqual(iso(firingsAfter(plan, new Date('2026-03-10T00:00:00Z'), 5)), ['2026-03-10T09:00:00.000Z', '2026-03-11T09:00:00.000Z']);
  });
});

describe('occurrence validity', () => {
  test('validFor per occurrence, capped by validUntil; a one-shot with validUntil lasts until it', () => {
    const rec = planFrom({ at: '2026-03-02T09:00:00Z', rrule: 'FREQ=DAILY', validFor: 'PT2H', validUntil: '2026-03-03T10:00:00Z' }, NOW);
    assert.equal(occurrenceEnd(rec, new Date('2026-03-02T09:00:00Z'), 86_400_000).toISOString(), '2026-03-02T11:00:00.000Z');
    assert.equal(occurrenceEnd(rec, new Date('2026-03-03T09:00:00Z'), 86_400_000).toISOString(), '2026-03-03T10:00:00.000Z');
    const once = planFrom({ at: '2026-03-02T14:00:00Z', validUntil: '2026-03-02T18:00:00Z' }, NOW);
    assert.equal(occurrenceEnd(once, new Date('2026-03-02T14:00:00Z'), 3_600_000).toISOString(), '2026-03-02T18:00:00.000Z');
    const plain = planFrom({ at: '2026-03-02T14:00:00Z' }, NOW);
    assert.equal(occurrenceEnd(plain, new Date('2026-03-02T14:00:00Z'), 3_600_000).toISOString(), '2026-03-02T15:00:00.000Z');
  });
});

describe('bad schedules are refused naming the field', () => {
  test('unknown time zone', () => refused({ rrule: 'FREQ=DAILY', timezone: 'Europe/Atlantis' }, 'timezone'));
  test('invalid RRULE', () => {
    for (const r of ['FREQ=SOMETIMES', 'garbage', 'FREQ=WEEKLY;BYDAY=XX', 'FREQ=DAILY;COUNT=abc', 'BYDAY=MO', 'FREQ=SECONDLY', 'DTSTART:20260301T000000Z\nRRULE:FREQ=DAILY']) refused({ rrule: r }, 'rrule');
  });
  test('an RRULE with no occurrence in the window', () => refused({ at: '2026-03-02T09:00:00Z', rrule: 'FREQ=YEARLY;BYMONTH=12', validUntil: '2026-06-01T00:00:00Z' }, 'rrule'));
  test('end before start', () => {
    refused({ validFrom: '2026-03-03T00:00:00Z', validUntil: '2026-03-02T00:00:00Z' }, 'validUntil');
    refused({ at: '2026-03-03T00:00:00Z', validUntil: '2026-03-02T12:00:00Z' }, 'validUntil');
    refused({ at: '2026-03-02T00:00:00Z', validFrom: '2026-03-03T00:00:00Z' }, 'at');
  });
  test('window or firing in the past', () => {
    refused({ validUntil: '2026-02-28T00:00:00Z' }, 'validUntil');
    refused({ at: '2026-02-28T00:00:00Z' }, 'at');
  });
  test('bad validFor', () => {
    for (const v of ['2 hours', 'PT0S', 'P400D', '-PT1H']) refused({ validFor: v }, 'validFor');
  });
});
