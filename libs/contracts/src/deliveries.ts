import { z } from 'zod';
import { IsoDate } from './alerts';

/** Forward-only progress of one delivery; a state never moves back to a lower rank. */
export const PROGRESS_STATES = ['targeted', 'sent', 'delivered', 'displayed', 'acknowledged'] as const;
export type ProgressState = (typeof PROGRESS_STATES)[number];
export const DeliveryStateSchema = z.enum(PROGRESS_STATES);

export const stateRank = (s: ProgressState): number => PROGRESS_STATES.indexOf(s);

/** States a client may report about an alert it holds. */
export const CLIENT_RECEIPT_STATES = ['delivered', 'displayed', 'acknowledged'] as const;
export const ReceiptStateSchema = z.enum(['sent', ...CLIENT_RECEIPT_STATES]);
export type ReceiptState = z.infer<typeof ReceiptStateSchema>;

/** Deterministic delivery id: one record per occurrence and recipient, so every write is an idempotent upsert. */
export const deliveryId = (occurrenceId: string, userId: string): string => `${occurrenceId}:${userId}`;

export const ReceiptSchema = z.object({
  occurrenceId: z.string().min(1).max(200),
  userId: z.string().min(1).max(256),
  state: ReceiptStateSchema,
  at: IsoDate,
  client: z.string().max(200).optional(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/** Per-recipient state as the admin sees it. */
export const DeliveryViewSchema = z.object({
  userId: z.string(),
  occurrenceId: z.string(),
  state: DeliveryStateSchema,
  targetedAt: IsoDate,
  sentAt: IsoDate.nullable(),
  deliveredAt: IsoDate.nullable(),
  displayedAt: IsoDate.nullable(),
  acknowledgedAt: IsoDate.nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;
