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

export type ReceiptAck = (reply: { ok: true } | { ok: false; error: string }) => void;

/** An occurrence withdrawn after it was sent: clients remove it and never show it again. */
export interface AlertRecall {
  occurrenceId: string;
  alertId: string;
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
}

export const SOCKET_USER_ROOM = (userId: string): string => `user:${userId}`;
