import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { AlertRecall, ClientAlert, ClientHello, DeliveryView } from '@herald/contracts';
import { DEMO } from './factories';

/** Where each API prefix lives: one URL in single-node mode, one per service in distributed mode. */
export type Router = (path: string) => string;

/** Logs in over HTTP and returns the bearer token. */
export async function login(route: Router, username: string, password = DEMO.password): Promise<string> {
  const res = await request(route('/api/auth/login')).post('/api/auth/login').send({ username, password }).expect(200);
  return res.body.token as string;
}

/** A real Socket.IO recipient: records every alert and recall it receives and can send receipts. */
export class Recipient {
  readonly alerts: ClientAlert[] = [];
  readonly recalls: AlertRecall[] = [];
  private constructor(readonly socket: Socket) {
    socket.on('alert', (a: ClientAlert) => this.alerts.push(a));
    socket.on('alert:recall', (r: AlertRecall) => this.recalls.push(r));
  }

  /**
   * `hello` is what the client says about itself (the agent's host name); `localAddress` binds the client's socket
   * to a source address (any of 127.0.0.0/8 works on Linux), so the gateway sees distinct peers; `headers` are
   * sent with the WebSocket upgrade (X-Forwarded-For through a trusted proxy).
   */
  static async connect(gatewayUrl: string, token: string, opts: { hello?: ClientHello; localAddress?: string; headers?: Record<string, string> } = {}): Promise<Recipient> {
    const socket = io(gatewayUrl, {
      auth: { token, ...(opts.hello ? { hello: opts.hello } : {}) },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      ...(opts.headers ? { extraHeaders: opts.headers } : {}),
    } as Parameters<typeof io>[1]);
    const r = new Recipient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return r;
  }

  receipt(occurrenceId: string, state: 'delivered' | 'displayed' | 'acknowledged'): Promise<{ ok: boolean; error?: string }> {
    return this.socket.timeout(5_000).emitWithAck('receipt', { occurrenceId, state });
  }

  /** Answers one of the alert's response options (socket event `respond`). */
  respond(occurrenceId: string, optionId: string, comment?: string): Promise<{ ok: boolean; error?: string }> {
    return this.socket.timeout(5_000).emitWithAck('respond', { occurrenceId, optionId, ...(comment === undefined ? {} : { comment }) });
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Creates an alert as `adminToken` and sends it now; returns the alert id and the occurrence id recipients get. */
export async function sendAlert(route: Router, adminToken: string, alert: Record<string, unknown>): Promise<{ id: string; occurrenceId: string }> {
  const created = await request(route('/api/alerts')).post('/api/alerts').set('authorization', `Bearer ${adminToken}`).send(alert).expect(201);
  const sent = await request(route('/api/alerts')).post(`/api/alerts/${created.body.id}/send`).set('authorization', `Bearer ${adminToken}`).expect(202);
  return { id: created.body.id as string, occurrenceId: sent.body.occurrenceId as string };
}

/** Per-recipient delivery records of an alert, as the admin API reports them. */
export async function deliveriesOf(route: Router, adminToken: string, alertId: string): Promise<DeliveryView[]> {
  const res = await request(route('/api/alerts')).get(`/api/alerts/${alertId}/deliveries`).set('authorization', `Bearer ${adminToken}`).expect(200);
  return res.body.deliveries as DeliveryView[];
}
