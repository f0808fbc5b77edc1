import { Duration, IANAZone } from 'luxon';
import { Frequency, Options, RRule } from 'rrule';
import { ReminderPolicy, ScheduleSpec, ValidationError } from '@herald/contracts';

/**
 * A validated schedule, as stored. Recurrences are expanded with `rrule` in *floating* wall-clock time (a UTC
 * Date whose fields are the local fields) and each wall-clock time is then placed in `timezone` here, with the
 * RFC 5545 rules: a time that falls in a DST gap takes the offset before the gap (02:30 → 03:30 CEST), an
 * ambiguous one takes the first (earlier) instant. rrule's own `tzid` support is not used: it returns shifted
 * "fake UTC" dates and depends on the host's Intl data for the conversion, which is exactly where DST bugs hide.
 */
export interface Plan {
  timezone: string;
  /** The RRULE body (`FREQ=...;...`), or null for a one-shot alert. */
  rrule: string | null;
  /** First firing (one-shot) or the anchor of the recurrence (its wall-clock time of day), ISO instant. */
  start: string;
  validFrom: string | null;
  validUntil: string | null;
  validForMs: number | null;
  reminders: ReminderPolicy | null;
}

const MAX_VALID_FOR_MS = 366 * 24 * 3_600_000;

/** Checks a schedule request against `now` and returns its plan; bad input throws a ValidationError naming the field. */
export function planFrom(spec: ScheduleSpec, now: Date): Plan {
  const timezone = spec.timezone ?? 'UTC';
  if (!IANAZone.isValidZone(timezone)) throw new ValidationError(`timezone: unknown time zone "${timezone}"`, 'timezone');
  let validForMs: number | null = null;
  if (spec.validFor !== undefined) {
    const d = Duration.fromISO(spec.validFor);
    validForMs = d.isValid ? d.toMillis() : NaN;
    if (!(validForMs > 0 && validForMs <= MAX_VALID_FOR_MS)) throw new ValidationError('validFor: must be an ISO 8601 duration between PT1S and P366D (e.g. PT2H)', 'validFor');
  }
  const ms = (iso?: string) => (iso === undefined ? null : Date.parse(iso));
  const at = ms(spec.at);
  const validFrom = ms(spec.validFrom);
  const validUntil = ms(spec.validUntil);
  if (at !== null && at < now.getTime()) throw new ValidationError('at: must not be in the past', 'at');
  if (at !== null && validFrom !== null && at < validFrom) throw new ValidationError('at: must not be before validFrom', 'at');
  const start = at ?? (validFrom !== null ? Math.max(validFrom, spec.rrule ? validFrom : now.getTime()) : now.getTime());
  if (validUntil !== null && validUntil <= now.getTime()) throw new ValidationError('validUntil: the validity window is already over', 'validUntil');
  if (validUntil !== null && validFrom !== null && validUntil <= validFrom) throw new ValidationError('validUntil: must be after validFrom', 'validUntil');
  if (validUntil !== null && validUntil <= start) throw new ValidationError('validUntil: must be after the first firing (at)', 'validUntil');
  const plan: Plan = {
    timezone,
    rrule: spec.rrule ? parseRule(spec.rrule) : null,
    start: new Date(Math.floor(start / 1000) * 1000).toISOString(),
    validFrom: validFrom === null ? null : new Date(validFrom).toISOString(),
    validUntil: validUntil === null ? null : new Date(validUntil).toISOString(),
    validForMs,
    reminders: spec.reminders ?? null,
  };
  if (plan.rrule && !firingsAfter(plan, new Date(now.getTime() - 1), 1).length) throw new ValidationError('rrule: has no occurrence inside the validity window', 'rrule');
  return plan;
}

/** Validates an RRULE body; returns it normalised (no `RRULE:` prefix). */
function parseRule(input: string): string {
  const body = input.replace(/^RRULE:/i, '').trim();
  if (/DTSTART|TZID|[\r\n]/i.test(body)) throw new ValidationError('rrule: give the start as `at` and the zone as `timezone`, not inside the rule', 'rrule');
  let opts: Partial<Options>;
  try {
    opts = RRule.parseString(body);
    new RRule(opts).toString();
  } catch (err) {
    throw new ValidationError(`rrule: invalid recurrence rule: ${(err as Error).message}`, 'rrule');
  }
  if (opts.freq === undefined || opts.freq === null) throw new ValidationError('rrule: FREQ is required', 'rrule');
  if (opts.freq === Frequency.SECONDLY) throw new ValidationError('rrule: FREQ=SECONDLY is not supported (the finest is MINUTELY)', 'rrule');
  for (const k of ['count', 'interval'] as const) {
    const v = opts[k] as unknown;
    if (v !== undefined && v !== null && !(Number.isInteger(v) && (v as number) > 0)) throw new ValidationError(`rrule: ${k.toUpperCase()} must be a positive integer`, 'rrule');
  }
  return body;
}

/** Up to `limit` firing instants strictly after `after`, inside the plan's window, in order. */
export function firingsAfter(plan: Plan, after: Date, limit: number): Date[] {
  const lower = Math.max(after.getTime() + 1, plan.validFrom ? Date.parse(plan.validFrom) : -Infinity);
  const upper = plan.validUntil ? Date.parse(plan.validUntil) : Infinity;
  if (!plan.rrule) {
    const t = Date.parse(plan.start);
    return t > after.getTime() && t < upper ? [new Date(t)] : [];
  }
  const opts = RRule.parseString(plan.rrule);
  // Floating times differ from instants by at most the zone's offset (< 1 day): search with that margin, filter exactly.
  const floatingLower = toFloating(new Date(Math.max(lower, Date.parse(plan.start))), plan.timezone).getTime() - 86_400_000;
  const rule = new RRule({ ...opts, dtstart: anchorNear(opts, toFloating(new Date(plan.start), plan.timezone), floatingLower), tzid: null });
  const floatingUpper = upper === Infinity ? Infinity : toFloating(new Date(upper), plan.timezone).getTime() + 86_400_000;
  const out: Date[] = [];
  const seen = new Set<number>();
  rule.all((floating) => {
    if (floating.getTime() > floatingUpper) return false;
    if (floating.getTime() < floatingLower) return true;
    const t = fromFloating(floating, plan.timezone).getTime();
    if (t >= lower && t < upper && !seen.has(t)) {
      seen.add(t);
      out.push(new Date(t));
    }
    return out.length < limit;
  });
  return out.sort((a, b) => a.getTime() - b.getTime()).slice(0, limit);
}

const PERIOD_MS: Partial<Record<Frequency, number>> = { [Frequency.MINUTELY]: 60_000, [Frequency.HOURLY]: 3_600_000, [Frequency.DAILY]: 86_400_000, [Frequency.WEEKLY]: 7 * 86_400_000 };

/**
 * rrule iterates from DTSTART, so a series running for a year of minutes costs seconds per expansion. For a rule
 * of fixed-length periods (minutely … weekly) without COUNT, moving DTSTART forward by whole multiples of
 * INTERVAL × period (in floating time: no DST in it) keeps every later occurrence: same time of day, same weekday,
 * same period alignment. COUNT, monthly and yearly rules keep their real anchor.
 */
function anchorNear(opts: Partial<Options>, dtstart: Date, floatingLower: number): Date {
  const period = opts.freq === undefined || opts.freq === null ? undefined : PERIOD_MS[opts.freq];
  if (!period || opts.count) return dtstart;
  const step = period * (opts.interval ?? 1);
  const target = floatingLower - 2 * step;
  if (target <= dtstart.getTime()) return dtstart;
  return new Date(dtstart.getTime() + Math.floor((target - dtstart.getTime()) / step) * step);
}

/** When an occurrence fired at `firing` stops being shown. */
export function occurrenceEnd(plan: Plan, firing: Date, defaultValidityMs: number): Date {
  const cap = plan.validUntil ? Date.parse(plan.validUntil) : Infinity;
  if (!plan.rrule && plan.validForMs === null && plan.validUntil) return new Date(cap);
  return new Date(Math.min(firing.getTime() + (plan.validForMs ?? defaultValidityMs), cap));
}

/** The wall-clock fields of `instant` in `zone`, as a UTC Date. */
export function toFloating(instant: Date, zone: string): Date {
  return new Date(instant.getTime() + IANAZone.create(zone).offset(instant.getTime()) * 60_000);
}

/** The instant a wall-clock time (floating Date) denotes in `zone` (RFC 5545: gap → offset before it; overlap → earlier). */
export function fromFloating(floating: Date, zone: string): Date {
  const z = IANAZone.create(zone);
  const w = floating.getTime();
  const offsets = [...new Set([z.offset(w - 86_400_000), z.offset(w), z.offset(w + 86_400_000)])];
  const valid = offsets.map((o) => w - o * 60_000).filter((t) => z.offset(t) * 60_000 === w - t);
  if (valid.length) return new Date(Math.min(...valid));
  // In a gap: read the time with the offset in force before it.
  return new Date(w - z.offset(w - 86_400_000) * 60_000);
}
