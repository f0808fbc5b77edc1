import { z } from 'zod';
import { AudienceIdSchema, AudienceSchema } from '@herald/contracts';

export const CreateAudienceRequest = z
  .object({
    name: z.string().trim().min(1).max(200).regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters'),
    description: z.string().trim().max(2_000).default(''),
    audience: AudienceSchema,
  })
  .strict();
export type CreateAudienceRequest = z.infer<typeof CreateAudienceRequest>;

export const PreviewRequest = z.object({ audience: AudienceSchema, limit: z.number().int().min(1).max(500).default(50) }).strict();
export type PreviewRequest = z.infer<typeof PreviewRequest>;

export const AudienceIdParam = AudienceIdSchema;

export const SearchQuery = z.object({
  q: z.string().trim().min(1, 'required').max(256).regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;
