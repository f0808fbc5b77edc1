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

/** The genesis link: the previous hash of the first entry of a chain. */
export const GENESIS_HASH = '0'.repeat(64);
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * An entry as the audit chain stores it: its place in the chain (`chain`, `seq`) and the links that make
 * tampering evident (`prevHash` = hash of entry seq-1, `hash` = sha-256 over the canonical form of this record).
 */
export const AuditRecordSchema = AuditEntrySchema.extend({
  chain: z.string().regex(/^[a-z0-9-]{1,32}$/),
  seq: z.number().int().min(1),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** The first entry that breaks the chain, as `verify` names it. */
export const BrokenEntrySchema = z.object({ chain: z.string(), seq: z.number().int(), entryId: z.string().optional(), reason: z.string() });

/** What `GET /api/audit/verify` and `herald audit verify` report. */
export const VerifyReportSchema = z.object({
  ok: z.boolean(),
  chains: z.number().int(),
  entries: z.number().int(),
  checkpoints: z.number().int(),
  firstBroken: BrokenEntrySchema.optional(),
  message: z.string(),
});
export type VerifyReport = z.infer<typeof VerifyReportSchema>;
