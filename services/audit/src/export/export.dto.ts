import { z } from 'zod';
import { AlertIdParam, CursorParam } from '../entries/audit.controller';

/** Timestamps are compared as ISO strings in the store, so every bound is normalised to UTC `...Z` first. */
const Instant = z.string().datetime({ offset: true, message: 'must be an ISO-8601 date-time' }).transform((v) => new Date(v).toISOString());

export const ExportQuery = z.object({
  format: z.enum(['csv', 'ndjson', 'json']).default('csv'),
  from: Instant.optional(),
  to: Instant.optional(),
  alertId: AlertIdParam.optional(),
  actor: z.string().min(1).max(256).optional(),
  action: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/, 'malformed action').optional(),
  cursor: CursorParam.optional(),
  /** Most rows in this response; the trailer then names the cursor to resume from. */
  limit: z.coerce.number().int().min(1).max(100_000_000).optional(),
  bom: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export type ExportQuery = z.infer<typeof ExportQuery>;
