import { z } from 'zod';
import { IsoDate } from '@herald/contracts';

export const ScheduleIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'malformed schedule id');

export const UpcomingQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    until: IsoDate.optional(),
  })
  .strict();
export type UpcomingQuery = z.infer<typeof UpcomingQuery>;
