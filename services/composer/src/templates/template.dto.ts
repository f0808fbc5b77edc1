import { z } from 'zod';
import { AudienceSchema, EscalationPolicySchema, PresentationSchema, ReminderPolicySchema, ResponseOptionsSchema } from '@herald/contracts';

/** Only crisis-grade alerts are pre-approved for one-request firing. */
export const TEMPLATE_SEVERITIES = ['critical', 'emergency'] as const;

/**
 * A pre-approved crisis template (admin-written): everything an alert needs, plus the reminders that re-show it
 * to whoever has not answered and the escalation (e-mail, managers) of whoever still has not. Firing it creates and sends one alert.
 */
export const TemplateRequest = z
  .object({
    name: z.string().trim().min(1).max(120),
    title: z.string().trim().min(1).max(200),
    body: z.string().max(20_000),
    severity: z.enum(TEMPLATE_SEVERITIES).default('emergency'),
    presentation: PresentationSchema.default('fullscreen'),
    audience: AudienceSchema,
    responses: ResponseOptionsSchema.optional(),
    reminders: ReminderPolicySchema.optional(),
    escalation: EscalationPolicySchema.optional(),
  })
  .strict();
export type TemplateRequest = z.infer<typeof TemplateRequest>;

export const TemplateIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'malformed template id');
