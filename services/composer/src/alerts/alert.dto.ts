import { z } from 'zod';
import { AlertContentSchema, AudienceSchema, IsoDate } from '@herald/contracts';

export const CreateAlertRequest = AlertContentSchema.extend({
  audience: AudienceSchema,
  validUntil: IsoDate.optional(),
}).strict();
export type CreateAlertRequest = z.infer<typeof CreateAlertRequest>;

export const AlertIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'malformed alert id');
