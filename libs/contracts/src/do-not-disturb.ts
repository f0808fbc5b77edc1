import { z } from 'zod';
import { IsoDate } from './alerts';

/** Days of the week, Monday first (ISO 8601 order). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:mm (00:00 to 23:59)');

/** True for a time zone the runtime knows (IANA name); no library needed, so browsers can use it too. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Recurring quiet hours in the recipient's time zone: on each of `days`, from `from` to `to` (a `to` earlier than
 * `from` ends the next morning: `mon`–`fri` 18:00–08:00 is every weeknight).
 */
export const QuietHoursSchema = z
  .object({
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1)
      .max(7)
      .refine((d) => new Set(d).size === d.length, { message: 'each day once' }),
    from: TimeOfDay,
    to: TimeOfDay,
    timezone: z.string().trim().min(1).max(64).refine(isTimeZone, { message: 'unknown time zone' }),
  })
  .strict()
  .refine((q) => q.from !== q.to, { path: ['to'], message: 'must differ from `from`' });
export type QuietHours = z.infer<typeof QuietHoursSchema>;

/**
 * A recipient's do-not-disturb settings: quiet hours and/or a one-off "until". While either applies, info and
 * warning alerts are held back and pushed when it ends; critical and emergency alerts always come through.
 */
export const DoNotDisturbSchema = z
  .object({
    quietHours: QuietHoursSchema.nullable().default(null),
    until: IsoDate.nullable().default(null),
  })
  .strict();
export type DoNotDisturb = z.infer<typeof DoNotDisturbSchema>;

/** The settings with what they mean now: `activeUntil` is when the current quiet period ends (null: not in one). */
export const DoNotDisturbViewSchema = z.object({
  quietHours: QuietHoursSchema.nullable(),
  until: IsoDate.nullable(),
  active: z.boolean(),
  activeUntil: IsoDate.nullable(),
  updatedAt: IsoDate.nullable(),
});
export type DoNotDisturbView = z.infer<typeof DoNotDisturbViewSchema>;
