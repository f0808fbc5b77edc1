import { z } from 'zod';
import { AlertContentSchema, AudienceSchema, FULLSCREEN_SEVERITIES, IsoDate } from '@herald/contracts';

export const CreateAlertRequest = AlertContentSchema.extend({
  audience: AudienceSchema,
  validUntil: IsoDate.optional(),
})
  .strict()
  .refine((a) => a.presentation !== 'fullscreen' || FULLSCREEN_SEVERITIES.includes(a.severity), {
    path: ['presentation'],
    message: `fullscreen is only for ${FULLSCREEN_SEVERITIES.join(', ')} alerts`,
  });
export type CreateAlertRequest = z.infer<typeof CreateAlertRequest>;

export const AlertIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'malformed alert id');
