import { z } from 'zod';
import { AlertContentSchema, AudienceSchema, EscalationPolicySchema, FULLSCREEN_SEVERITIES, IsoDate, ScheduleSpecSchema } from '@herald/contracts';

export const CreateAlertRequest = AlertContentSchema.extend({
  audience: AudienceSchema,
  validUntil: IsoDate.optional(),
  /** Who has not settled it `afterMinutes` after it fired is e-mailed and/or reported to their manager. */
  escalation: EscalationPolicySchema.optional(),
})
  .strict()
  .refine((a) => a.presentation !== 'fullscreen' || FULLSCREEN_SEVERITIES.includes(a.severity), {
    path: ['presentation'],
    message: `fullscreen is only for ${FULLSCREEN_SEVERITIES.join(', ')} alerts`,
  });
export type CreateAlertRequest = z.infer<typeof CreateAlertRequest>;

export const AlertIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'malformed alert id');

/**
 * Options of `POST /api/alerts/:id/send`. No body (or `{}`) sends now; any timing (`at`, `rrule`, window,
 * `validFor`, `reminders`) hands the alert to the scheduler, which fires it on time.
 */
export const SendOptions = ScheduleSpecSchema;
export type SendOptions = z.infer<typeof SendOptions>;
