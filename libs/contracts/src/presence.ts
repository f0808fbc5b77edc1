import { z } from 'zod';
import { IsoDate } from './alerts';

/**
 * Where a client connects from, as the gateway establishes it: the computer name from the client's hello (the
 * desktop agent reports its host name; a browser usually none) and the peer address (X-Forwarded-For only through
 * proxies TRUST_PROXY names).
 */
export const ClientPresenceSchema = z.object({
  computer: z.string().min(1).max(253).optional(),
  address: z.string().min(1).max(64),
});
export type ClientPresence = z.infer<typeof ClientPresenceSchema>;

/**
 * One change of a client session, reported by a gateway: `connected` at the handshake, `seen` on the gateway's
 * heartbeat for every socket it still holds, `disconnected` when the socket closes.
 */
export const PresenceReportSchema = ClientPresenceSchema.extend({
  userId: z.string().min(1).max(256),
  sessionId: z.string().min(1).max(200),
  state: z.enum(['connected', 'seen', 'disconnected']),
  at: IsoDate,
});
export type PresenceReport = z.infer<typeof PresenceReportSchema>;
