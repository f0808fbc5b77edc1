import { z } from 'zod';
import { IsoDate } from './alerts';

/** One audit entry. `id` is chosen by the producer so a redelivered message is appended once. */
export const AuditEntrySchema = z.object({
  id: z.string().min(1).max(200),
  at: IsoDate,
  actor: z.string().max(256),
  action: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/),
  subject: z.string().max(300),
  alertId: z.string().max(200).optional(),
  correlationId: z.string().max(200).optional(),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
