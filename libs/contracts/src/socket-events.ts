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

export type ReceiptAck = (reply: { ok: true } | { ok: false; error: string }) => void;

/** Events the gateway emits to clients. */
export interface ServerToClientEvents {
  alert: (alert: ClientAlert) => void;
  /** Take this occurrence off the screen now: recalled by an admin, or its validity window closed. */
  'alert:recall': (recall: AlertRecall) => void;
}

export interface AlertRecall {
  occurrenceId: string;
  alertId: string;
}

/** Events clients emit to the gateway. */
export interface ClientToServerEvents {
  receipt: (receipt: ClientReceipt, ack?: ReceiptAck) => void;
}

export const SOCKET_USER_ROOM = (userId: string): string => `user:${userId}`;
