import { z } from 'zod';
import { IsoDate } from './alerts';

/** Re-show an alert to recipients who have not acknowledged it: every `everyMinutes`, at most `maxCount` times. */
export const ReminderPolicySchema = z
  .object({
    everyMinutes: z.number().int().min(1).max(24 * 60),
    maxCount: z.number().int().min(1).max(50),
  })
  .strict();
export type ReminderPolicy = z.infer<typeof ReminderPolicySchema>;

/**
 * When and for how long an alert is shown. Shape only: the scheduler checks meaning (RRULE, time zone, windows)
 * against its clock and answers 400 naming the field.
 * - `at`: first (or only) firing; defaults to `validFrom`, else now.
 * - `rrule`: RFC 5545 recurrence rule (`FREQ=WEEKLY;BYDAY=MO;BYHOUR=9`), expanded in `timezone` wall-clock time.
 * - `validFrom`/`validUntil`: the window; `validFor` (ISO 8601 duration, e.g. `PT2H`): each occurrence's lifetime.
 */
export const ScheduleSpecSchema = z
  .object({
    at: IsoDate.optional(),
    rrule: z.string().trim().min(1).max(500).optional(),
    timezone: z.string().trim().min(1).max(64).optional(),
    validFrom: IsoDate.optional(),
    validUntil: IsoDate.optional(),
    validFor: z.string().trim().min(2).max(40).optional(),
    reminders: ReminderPolicySchema.optional(),
  })
  .strict();
export type ScheduleSpec = z.infer<typeof ScheduleSpecSchema>;

export const SCHEDULE_STATUSES = ['active', 'paused', 'done', 'cancelled'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** A schedule as the admin sees it. The schedule id is the alert id: one schedule per alert. */
export const ScheduleViewSchema = z.object({
  id: z.string(),
  alertId: z.string(),
  title: z.string(),
  status: z.enum(SCHEDULE_STATUSES),
  spec: ScheduleSpecSchema,
  timezone: z.string(),
  nextFireAt: IsoDate.nullable(),
  lastFiredAt: IsoDate.nullable(),
  createdBy: z.string(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type ScheduleView = z.infer<typeof ScheduleViewSchema>;
