import { z } from 'zod';
import { IsoDate } from './alerts';
import { EscalationRecordSchema } from './escalation';

/**
 * Forward-only progress of one delivery; a state never moves back to a lower rank. `responded` (the recipient chose
 * one of the alert's answers) implies acknowledged and ranks above it.
 */
export const PROGRESS_STATES = ['targeted', 'sent', 'delivered', 'displayed', 'acknowledged', 'responded'] as const;
export type ProgressState = (typeof PROGRESS_STATES)[number];
/**
 * Terminal states: an occurrence taken off screens (recall) or whose window closed before it was displayed
 * (expiry). They rank above every progress state, so a recalled/expired delivery is never pending again and no
 * later receipt moves it; an acknowledged delivery is never made recalled or expired (updates require rank < it).
 */
export const TERMINAL_STATES = ['expired', 'recalled'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];
export const TERMINAL_RANK = PROGRESS_STATES.length;
export type DeliveryState = ProgressState | TerminalState;
export const DeliveryStateSchema = z.enum([...PROGRESS_STATES, ...TERMINAL_STATES]);

export const stateRank = (s: DeliveryState): number => ((TERMINAL_STATES as readonly string[]).includes(s) ? TERMINAL_RANK : PROGRESS_STATES.indexOf(s as ProgressState));

/** States a client may report about an alert it holds. */
export const CLIENT_RECEIPT_STATES = ['delivered', 'displayed', 'acknowledged'] as const;
export const ReceiptStateSchema = z.enum(['sent', ...CLIENT_RECEIPT_STATES, 'responded']);
export type ReceiptState = z.infer<typeof ReceiptStateSchema>;

/** Deterministic delivery id: one record per occurrence and recipient, so every write is an idempotent upsert. */
export const deliveryId = (occurrenceId: string, userId: string): string => `${occurrenceId}:${userId}`;

/** Deterministic occurrence id of a scheduled firing: the alert and the instant it fires, so replicas agree on it. */
export const occurrenceIdAt = (alertId: string, firingAt: Date): string => `${alertId}@${firingAt.toISOString()}`;

/** The alert an occurrence belongs to: `<alertId>@<ISO time>` (scheduled) or `<alertId>.<n>` (sent now). */
export const alertIdOf = (occurrenceId: string): string => (occurrenceId.includes('@') ? occurrenceId.slice(0, occurrenceId.indexOf('@')) : occurrenceId.replace(/\.\d+$/, ''));

/** A recipient's answer: one of the alert's response option ids, with an optional free-text comment. */
export const ResponseSchema = z.object({
  optionId: z.string().min(1).max(40),
  comment: z.string().trim().max(500).optional(),
});
export type RecipientResponse = z.infer<typeof ResponseSchema>;

export const ReceiptSchema = z
  .object({
    occurrenceId: z.string().min(1).max(200),
    userId: z.string().min(1).max(256),
    state: ReceiptStateSchema,
    at: IsoDate,
    client: z.string().max(200).optional(),
    /** Present exactly when state is `responded`. */
    response: ResponseSchema.optional(),
  })
  .refine((r) => (r.state === 'responded') === (r.response !== undefined), { path: ['response'], message: 'required with state responded, and only then' });
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
  expiredAt: IsoDate.nullable(),
  recalledAt: IsoDate.nullable(),
  respondedAt: IsoDate.nullable(),
  /** The recipient's answer (first one wins), when they gave one. */
  response: ResponseSchema.nullable(),
  /** How many reminders were pushed to this recipient. */
  reminders: z.number().int().min(0),
  lastRemindedAt: IsoDate.nullable(),
  /** The recipient's client of the last receipt it sent: kind, machine name, addresses and the gateway it came through. */
  client: z.string().nullable(),
  /** Set once the recipient was escalated (e-mailed) for not settling the alert in time. */
  escalation: EscalationRecordSchema.nullable(),
  /** Held back by the recipient's do-not-disturb until then (pushed when it ends); a past time: it was held until then. */
  heldUntil: IsoDate.nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;
