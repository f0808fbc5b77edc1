import { z } from 'zod';
import { ClientAlert } from './alerts';

/** A receipt as a client sends it over the socket; the gateway adds the user id from the verified token. */
export const ClientReceiptSchema = z
  .object({
    occurrenceId: z.string().min(1).max(200),
    state: z.enum(['delivered', 'displayed', 'acknowledged']),
  })
  .strict();
export type ClientReceipt = z.infer<typeof ClientReceiptSchema>;

/**
 * A recipient's answer to an alert's response options, sent over the socket (`respond`); the gateway adds the user
 * id from the verified token and batches it with receipts. Delivery checks the option id against the alert's options.
 */
export const ClientResponseSchema = z
  .object({
    occurrenceId: z.string().min(1).max(200),
    optionId: z.string().min(1).max(40),
    comment: z.string().max(500).optional(),
  })
  .strict();
export type ClientResponse = z.infer<typeof ClientResponseSchema>;

/**
 * What a client says about itself in the handshake (`auth.hello`). The gateway records it on the socket and passes
 * it along with the client's receipts, so computer and network-range targeting can use it. Best effort: a hello
 * that does not parse is ignored, never a reason to refuse the connection.
 */
export const ClientHelloSchema = z
  .object({
    kind: z.enum(['web', 'agent']),
    version: z.string().max(40).optional(),
    hostname: z.string().max(253).regex(/^[^\u0000-\u001f]*$/).optional(),
    addresses: z.array(z.string().max(64).regex(/^[0-9A-Fa-f:.%a-z]*$/)).max(16).optional(),
  })
  .strict();
export type ClientHello = z.infer<typeof ClientHelloSchema>;

/**
 * Put an info or warning alert away for a while (`snooze`): the server keeps it out of the pending set until then,
 * and the client shows it again when the time is up. Critical and emergency alerts cannot be snoozed.
 */
export const ClientSnoozeSchema = z
  .object({
    occurrenceId: z.string().min(1).max(200),
    minutes: z.number().int().min(1).max(24 * 60),
  })
  .strict();
export type ClientSnooze = z.infer<typeof ClientSnoozeSchema>;
export type SnoozeAck = (reply: { ok: true; until: string } | { ok: false; error: string }) => void;

export type ReceiptAck = (reply: { ok: true } | { ok: false; error: string }) => void;

/** Why an occurrence leaves the screens: taken back by its sender, its window closed, or the emergency is over. */
export const RecallReasonSchema = z.enum(['recall', 'expired', 'all-clear']);
export type RecallReason = z.infer<typeof RecallReasonSchema>;

/** An occurrence withdrawn after it was sent: clients remove it and never show it again. */
export interface AlertRecall {
  occurrenceId: string;
  alertId: string;
  /** Absent from older servers (read it as `recall`); `all-clear` lets the client say the danger is over. */
  reason?: RecallReason;
}

/** Events the gateway emits to clients. */
export interface ServerToClientEvents {
  alert: (alert: ClientAlert) => void;
  /** Take this occurrence off the screen now: recalled by an admin, or its validity window closed. */
  'alert:recall': (recall: AlertRecall) => void;
}

/** Events clients emit to the gateway. */
export interface ClientToServerEvents {
  receipt: (receipt: ClientReceipt, ack?: ReceiptAck) => void;
  /** Answer an alert's response options (same ack as receipts). */
  respond: (response: ClientResponse, ack?: ReceiptAck) => void;
  /** Snooze an info/warning alert; the ack names the time it comes back, or why it cannot be snoozed. */
  snooze: (snooze: ClientSnooze, ack?: SnoozeAck) => void;
}

export const SOCKET_USER_ROOM = (userId: string): string => `user:${userId}`;
