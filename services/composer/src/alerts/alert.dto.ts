import { z } from 'zod';
import { AlertContentSchema, AudienceSchema, EscalationPolicySchema, FULLSCREEN_SEVERITIES, IsoDate, PresentationSchema, ResponseOptionsSchema, ScheduleSpecSchema, SEVERITIES, SeveritySchema } from '@herald/contracts';

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

/**
 * Body of `PATCH /api/alerts/:id`: any of the content fields and the audience, for a draft or for the occurrences
 * of a scheduled alert that have not fired yet. The merged alert is validated again as at creation.
 */
export const EditAlertRequest = z
  .object({
    title: AlertContentSchema.shape.title,
    body: AlertContentSchema.shape.body,
    severity: AlertContentSchema.shape.severity,
    // Without the creation default: a field left out keeps its value.
    presentation: PresentationSchema,
    responses: ResponseOptionsSchema,
    audience: AudienceSchema,
  })
  .partial()
  .strict()
  .refine((a) => Object.keys(a).length > 0, { message: 'nothing to change: give title, body, severity, presentation, responses or audience' });
export type EditAlertRequest = z.infer<typeof EditAlertRequest>;

export const AlertIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'malformed alert id');

/**
 * Options of `POST /api/alerts/:id/send`. No body (or `{}`) sends now; any timing (`at`, `rrule`, window,
 * `validFor`, `reminders`) hands the alert to the scheduler, which fires it on time.
 */
export const SendOptions = ScheduleSpecSchema;
export type SendOptions = z.infer<typeof SendOptions>;

/** Query of `GET /api/alerts`: `severity` as a comma-separated list (default: all), `limit` 1–100 (default 20). */
export const RecentAlertsQuery = z
  .object({
    severity: z
      .string()
      .default(SEVERITIES.join(','))
      .transform((v) => v.split(',').map((x) => x.trim()))
      .pipe(z.array(SeveritySchema).min(1)),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type RecentAlertsQuery = z.infer<typeof RecentAlertsQuery>;
