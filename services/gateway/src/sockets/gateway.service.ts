import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { hostname } from 'node:os';
import { Server, Socket } from 'socket.io';
import type { ZodError } from 'zod';
import { AlertRecall, ClientAlert, ClientHello, ClientHelloSchema, ClientPresence, ClientReceiptSchema, ClientResponseSchema, ClientSnoozeSchema, ClientToServerEvents, DeliveryReceipts, DomainError, PendingAlerts, Receipt, ReceiptAck, ServerToClientEvents, SnoozeAck, SnoozeDelivery, SOCKET_USER_ROOM } from '@herald/contracts';
import { Principal, socketAuth } from '@herald/auth';
import { counter, JsonLogger } from '@herald/observability';
import { Infra, INFRA } from '@herald/runtime';
import { Batcher } from './batcher';
import { clientAddress, TrustProxy } from './client-address';
import { PresenceReporter, Session } from './presence-reporter';

const replyOf = (ack: unknown): ReceiptAck => (typeof ack === 'function' ? (ack as ReceiptAck) : () => undefined);

type HeraldSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal; client: string; session: Session }>;

const malformed = counter('herald_gateway_malformed_events_total', 'Socket events refused because their payload was invalid', ['event']);
const recalled = counter('herald_gateway_recalls_pushed_total', 'Recall events emitted to connected sockets (recall or expiry)');
const pushed = counter('herald_gateway_alerts_pushed_total', 'Alerts emitted to connected sockets', ['source']);

/**
 * The Socket.IO edge: authenticates sockets at the handshake, keeps one room per user, pushes fan-out chunks to
 * the sockets this instance holds, sends each connecting user their pending alerts, and batches receipts upstream.
 * Holds nothing durable: any gateway instance can serve any user.
 */
@Injectable()
export class GatewayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private io?: Server<ClientToServerEvents, ServerToClientEvents>;
  private readonly batcher: Batcher<Receipt>;
  private readonly presence: PresenceReporter;
  private readonly log: JsonLogger;
  private readonly instance = `${hostname()}:${process.pid}`;

  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly http: HttpAdapterHost) {
    this.log = infra.logger('gateway');
    this.batcher = new Batcher((receipts) => infra.bus.publish(DeliveryReceipts, { receipts }), infra.env.RECEIPT_BATCH_SIZE, infra.env.RECEIPT_BATCH_MS);
    this.presence = new PresenceReporter(infra, this.log, () => this.sessions());
  }

  onApplicationBootstrap(): void {
    // serveClient off: the web client bundles socket.io-client into /app.js, nothing needs the standalone script.
    this.io = new Server(this.http.httpAdapter.getHttpServer(), { path: '/socket.io', serveClient: false, maxHttpBufferSize: 64 * 1024 });
    this.io.use(socketAuth(this.infra.tokens));
    this.io.on('connection', (socket: HeraldSocket) => void this.onConnection(socket));
    this.presence.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batcher.flush();
    this.io?.disconnectSockets(true);
    await this.presence.stop();
  }

  private async onConnection(socket: HeraldSocket): Promise<void> {
    const { userId } = socket.data.principal;
    const hello = this.helloOf(socket);
    socket.data.client = this.describeClient(socket, hello);
    const session: Session = { sessionId: `${this.instance}:${socket.id}`, userId, presence: this.presenceOf(socket, hello) };
    socket.data.session = session;
    this.presence.connected(session);
    socket.on('disconnect', () => this.presence.disconnected(session));
    // Register handlers first so receipts sent right after connect are never dropped.
    socket.on('receipt', (raw: unknown, ack?: unknown) => void this.onReceipt(socket, raw, ack));
    socket.on('respond', (raw: unknown, ack?: unknown) => void this.onRespond(socket, raw, ack));
    socket.on('snooze', (raw: unknown, ack?: unknown) => void this.onSnooze(socket, raw, ack));
    socket.onAny((event: string) => {
      if (event !== 'receipt' && event !== 'respond' && event !== 'snooze') malformed.inc({ event: 'unknown' });
    });
    await socket.join(SOCKET_USER_ROOM(userId));
    try {
      const { alerts } = await this.infra.bus.request(PendingAlerts, { userId, presence: session.presence });
      for (const alert of alerts) socket.emit('alert', alert);
      pushed.inc({ source: 'pending' }, alerts.length);
      await this.sentReceipts(alerts.map((a) => ({ occurrenceId: a.occurrenceId, userId })));
    } catch (err) {
      this.log.write('warn', 'could not load pending alerts', { userId, error: (err as Error).message });
    }
  }

  private async onReceipt(socket: HeraldSocket, raw: unknown, ack: unknown): Promise<void> {
    const parsed = ClientReceiptSchema.safeParse(raw);
    if (!parsed.success) return this.refuse('receipt', parsed.error, ack);
    await this.upstream({ ...parsed.data, userId: socket.data.principal.userId, at: this.infra.clock.now().toISOString(), client: socket.data.client }, ack);
  }

  /** An answer travels like a receipt (`responded`, batched); delivery checks it is one of the alert's options. */
  private async onRespond(socket: HeraldSocket, raw: unknown, ack: unknown): Promise<void> {
    const parsed = ClientResponseSchema.safeParse(raw);
    if (!parsed.success) return this.refuse('respond', parsed.error, ack);
    const { occurrenceId, optionId, comment } = parsed.data;
    const response = { optionId, ...(comment?.trim() ? { comment: comment.trim() } : {}) };
    await this.upstream({ occurrenceId, state: 'responded', response, userId: socket.data.principal.userId, at: this.infra.clock.now().toISOString(), client: socket.data.client }, ack);
  }

  /** Snoozing asks delivery directly (not batched): the recipient needs the answer — until when, or why not. */
  private async onSnooze(socket: HeraldSocket, raw: unknown, ack: unknown): Promise<void> {
    const parsed = ClientSnoozeSchema.safeParse(raw);
    if (!parsed.success) return this.refuse('snooze', parsed.error, ack);
    const reply: SnoozeAck = typeof ack === 'function' ? (ack as SnoozeAck) : () => undefined;
    try {
      const { snoozedUntil } = await this.infra.bus.request(SnoozeDelivery, { ...parsed.data, userId: socket.data.principal.userId });
      reply({ ok: true, until: snoozedUntil });
    } catch (err) {
      reply({ ok: false, error: err instanceof DomainError && err.status < 500 ? err.message : 'temporarily unavailable, retry' });
    }
  }

  private refuse(event: 'receipt' | 'respond' | 'snooze', error: ZodError, ack: unknown): void {
    malformed.inc({ event });
    const issue = error.issues[0];
    replyOf(ack)({ ok: false, error: `invalid ${event === 'respond' ? 'response' : event}: ${issue.path.join('.') || 'payload'}: ${issue.message}` });
  }

  private async upstream(receipt: Receipt, ack: unknown): Promise<void> {
    try {
      await this.batcher.add(receipt);
      replyOf(ack)({ ok: true });
    } catch (err) {
      this.log.write('error', 'receipt batch failed', { error: (err as Error).message });
      replyOf(ack)({ ok: false, error: 'temporarily unavailable, retry' });
    }
  }

  /**
   * Who sent a receipt, for the audit trail and computer/network targeting: the client's own hello (kind, machine
   * name, addresses) when it parses, the peer address the gateway saw, and this gateway instance.
   */
  private describeClient(socket: HeraldSocket, hello: ClientHello | null): string {
    const parts = [hello?.kind ?? 'unknown'];
    if (hello?.hostname) parts.push(`host=${hello.hostname}`);
    if (hello?.addresses?.length) parts.push(`addr=${hello.addresses.join(',')}`);
    parts.push(`peer=${socket.handshake.address}`, `via=${this.instance}`);
    return parts.join(' ').slice(0, 200);
  }

  private helloOf(socket: HeraldSocket): ClientHello | null {
    const hello = ClientHelloSchema.safeParse((socket.handshake.auth as { hello?: unknown } | undefined)?.hello);
    return hello.success ? hello.data : null;
  }

  /**
   * Where the client is, for computer and network-range audiences: the computer name its hello reports, and the
   * address it connects from (through the proxies TRUST_PROXY names; never the addresses the client claims).
   */
  private presenceOf(socket: HeraldSocket, hello: ClientHello | null): ClientPresence {
    const trust = this.http.httpAdapter.getInstance<{ get(key: string): TrustProxy | undefined }>().get('trust proxy fn') ?? (() => false);
    const computer = hello?.hostname?.trim();
    return { ...(computer ? { computer } : {}), address: clientAddress(socket.request, trust) || 'unknown' };
  }

  /** The sessions this gateway holds, for the presence heartbeat. */
  private *sessions(): Iterable<Session> {
    for (const socket of this.io?.of('/').sockets.values() ?? []) {
      const session = (socket as HeraldSocket).data.session;
      if (session) yield session;
    }
  }

  /** Pushes one fan-out chunk to the recipients connected here and reports them as `sent`. */
  async fanout(alert: ClientAlert, recipients: string[]): Promise<void> {
    if (!this.io) return;
    const rooms = this.io.of('/').adapter.rooms;
    const here = recipients.filter((u) => rooms.has(SOCKET_USER_ROOM(u)));
    if (!here.length) return;
    this.io.to(here.map(SOCKET_USER_ROOM)).emit('alert', alert);
    pushed.inc({ source: 'fanout' }, here.length);
    await this.sentReceipts(here.map((userId) => ({ occurrenceId: alert.occurrenceId, userId })));
  }

  /** Takes an occurrence off the screens of the recipients connected here (recall or end of validity). */
  recall(recall: AlertRecall, recipients: string[]): void {
    if (!this.io) return;
    const rooms = this.io.of('/').adapter.rooms;
    const here = recipients.filter((u) => rooms.has(SOCKET_USER_ROOM(u)));
    if (!here.length) return;
    this.io.to(here.map(SOCKET_USER_ROOM)).emit('alert:recall', recall);
    recalled.inc(here.length);
  }

  private async sentReceipts(items: { occurrenceId: string; userId: string }[]): Promise<void> {
    if (!items.length) return;
    const at = this.infra.clock.now().toISOString();
    await this.infra.bus.publish(DeliveryReceipts, { receipts: items.map((i) => ({ ...i, state: 'sent' as const, at, client: this.instance })) });
  }
}
