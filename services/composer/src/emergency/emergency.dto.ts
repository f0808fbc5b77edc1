import { z } from 'zod';
import { AudienceSchema } from '@herald/contracts';
import { TemplateIdParam } from '../templates/template.dto';

/** What the crisis team may change at firing time: the words and who gets it. Severity and answers stay approved. */
export const FireOverrides = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    body: z.string().max(20_000).optional(),
    audience: AudienceSchema.optional(),
  })
  .strict();
export type FireOverrides = z.infer<typeof FireOverrides>;

export const FireRequest = z.object({ templateId: TemplateIdParam, overrides: FireOverrides.optional() }).strict();
export type FireRequest = z.infer<typeof FireRequest>;
