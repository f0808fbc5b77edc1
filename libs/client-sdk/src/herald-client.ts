import { io, Socket } from 'socket.io-client';
import type { AlertRecall, ClientAlert, ClientHello, ClientReceipt, ClientToServerEvents, ServerToClientEvents } from '@herald/contracts';
import { BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { Emitter } from './emitter';
import { OutgoingReceipt, ReceiptQueue, SendOutcome } from './receipt-queue';
import { canSnooze, requiresAnswer, responseOptions } from './presentation';
import { LocalState, SeenEntry, SeenStore } from './seen-store';
import { KeyValueStorage } from './storage';

export type ConnectionStatus = 'connecting' | 'connected' | 'offline' | 'unauthorized' | 'stopped';

export interface HeraldClientOptions {
  /** Gateway base URL; '' in the browser means the page's own origin. */
  url: string;
  /**
   * Called before every connection attempt, so a renewed token is picked up on reconnect. Resolve undefined when
   * there is no way to get one (status `unauthorized`); throw when it failed for now (retried with back-off).
   */
  getToken: () => string | undefined | Promise<string | undefined>;
  /**
   * Token refresh hook: called when the gateway refuses the token (expired, revoked). Return a new token to retry at
   * once (it is used for every later connection too, until the hook gives another), throw when the issuer cannot be
   * reached (retried with back-off), or resolve undefined to give up (status `unauthorized`, e.g. the web client shows its sign-in form again).
   */
  refreshToken?: () => Promise<string | undefined>;
  storage: KeyValueStorage;
  /** Sent in the handshake; the gateway records it with every receipt (machine name and address for targeting). */
  hello?: ClientHello;
  backoff?: BackoffOptions;
  /** How long to wait for the server to confirm one receipt before retrying it. */
  receiptTimeoutMs?: number;
  /** Receipts in flight at once when a backlog drains (default 64). */
  receiptWindow?: number;
  random?: () => number;
  now?: () => Date;
}

/** A new alert to present (`resumed` = this client saw it before a reload/restart and it is still unacknowledged). */
export interface IncomingAlert {
  alert: ClientAlert;
  resumed: boolean;
}

export interface HeraldClientEvents {
  alert: (incoming: IncomingAlert) => void;
  recall: (recall: AlertRecall) => void;
  /** The server agreed to snooze it: take it off the screen; it comes back as an `alert` at `until`. */
  snoozed: (snoozed: { occurrenceId: string; until: string }) => void;
  status: (status: ConnectionStatus, detail?: string) => void;
}

const AUTH_ERRORS = /token|unauthori[sz]ed/i;

/**
 * A recipient's connection to Herald, shared by the web client and the desktop agent. Keeps a socket open (own
 * reconnection loop with jittered exponential back-off, a fresh token on every attempt), presents each occurrence
 * once (persisted seen-set; the server resends what is pending on every connect) and confirms it with receipts
 * that survive being offline.
 */
export class HeraldClient extends Emitter<HeraldClientEvents> {
  private socket?: Socket<ServerToClientEvents, ClientToServerEvents>;
  private readonly seen: SeenStore;
  private readonly receipts: ReceiptQueue;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly now: () => Date;
  /** Occurrences handed to the UI by this instance: never twice, whatever the server resends. */
  private readonly presented = new Set<string>();
  private readonly snoozeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private attempt = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private running = false;
  private refreshedOnce = false;
  /** The last token the refresh hook gave; preferred over getToken() from then on. */
  private refreshedToken?: string;
  private currentStatus: ConnectionStatus = 'stopped';

  constructor(private readonly opts: HeraldClientOptions) {
    super();
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? (() => new Date());
    this.seen = new SeenStore(opts.storage);
    this.receipts = new ReceiptQueue(opts.storage, this.backoff, this.random, opts.receiptWindow);
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** Receipts made but not yet confirmed by the server. */
  get unconfirmedReceipts(): readonly OutgoingReceipt[] {
    return this.receipts.pending;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    for (const t of this.snoozeTimers.values()) clearTimeout(t);
    this.snoozeTimers.clear();
    this.receipts.close();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.setStatus('stopped');
  }

  /** The alert is on screen (card, ticker, takeover or native notification). */
  displayed(occurrenceId: string): void {
    if (this.seen.mark(occurrenceId, 'displayed', this.now().toISOString())) this.receipts.add({ occurrenceId, state: 'displayed' });
  }

  /**
   * The recipient confirmed they read it. Works offline: the receipt is sent once a connection exists. Refused
   * (returns false) for an alert that must be answered: only `respond` takes an emergency off the screen.
   */
  acknowledge(occurrenceId: string): boolean {
    const alert = this.seen.get(occurrenceId)?.alert;
    if (alert && requiresAnswer(alert)) return false;
    this.displayed(occurrenceId);
    if (this.seen.mark(occurrenceId, 'acknowledged', this.now().toISOString())) this.receipts.add({ occurrenceId, state: 'acknowledged' });
    return true;
  }

  /**
   * The recipient chose an answer ("I am safe"), which also acknowledges the alert. Queued and retried like a
   * receipt until the server confirms it, offline included. Returns false for an id the alert does not offer.
   */
  respond(occurrenceId: string, optionId: string, comment?: string): boolean {
    const alert = this.seen.get(occurrenceId)?.alert;
    if (alert && !responseOptions(alert).some((o) => o.id === optionId)) return false;
    this.displayed(occurrenceId);
    if (!this.seen.mark(occurrenceId, 'acknowledged', this.now().toISOString())) return false;
    const text = comment?.trim().slice(0, 500);
    this.receipts.add({ occurrenceId, state: 'responded', response: { optionId, ...(text ? { comment: text } : {}) } });
    return true;
  }

  /**
   * Puts an info/warning alert away for `minutes`. The server must agree (it keeps the alert out of this user's
   * pending set until then, and refuses critical and emergency alerts), so this needs a connection; when the time
   * is up this client presents the alert again.
   */
  async snooze(occurrenceId: string, minutes: number): Promise<{ ok: true; until: string } | { ok: false; error: string }> {
    const alert = this.seen.get(occurrenceId)?.alert;
    if (!alert || !canSnooze(alert)) return { ok: false, error: 'this alert cannot be snoozed' };
    const socket = this.socket;
    if (!socket?.connected) return { ok: false, error: 'offline' };
    let reply: { ok: true; until: string } | { ok: false; error: string };
    try {
      reply = await socket.timeout(10_000).emitWithAck('snooze', { occurrenceId, minutes });
    } catch {
      return { ok: false, error: 'no answer from the server' };
    }
    if (!reply.ok) return reply;
    this.displayed(occurrenceId);
    clearTimeout(this.snoozeTimers.get(occurrenceId));
    this.snoozeTimers.set(
      occurrenceId,
      setTimeout(() => {
        this.snoozeTimers.delete(occurrenceId);
        const state = this.seen.get(occurrenceId)?.state;
        if (state !== 'acknowledged' && state !== 'recalled') this.emit('alert', { alert, resumed: true });
      }, Math.max(0, Date.parse(reply.until) - this.now().getTime())),
    );
    this.emit('snoozed', { occurrenceId, until: reply.until });
    return reply;
  }

  stateOf(occurrenceId: string): LocalState | undefined {
    return this.seen.get(occurrenceId)?.state;
  }

  /** Recent alerts with what happened to them, newest first (survives reloads). */
  inbox(): SeenEntry[] {
    return this.seen.recent();
  }

  private setStatus(status: ConnectionStatus, detail?: string): void {
    this.currentStatus = status;
    this.emit('status', status, detail);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    this.setStatus('connecting');
    let token: string | undefined;
    try {
      token = this.refreshedToken ?? (await this.opts.getToken());
    } catch (err) {
      // Could not get a token right now (directory or network down at boot): transient, try again later.
      if (this.running) this.scheduleRetry((err as Error).message);
      return;
    }
    if (!this.running) return;
    if (!token) return this.unauthorized('no token');
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.opts.url || undefined, {
      auth: { token, hello: this.opts.hello },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 10_000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.attempt = 0;
      this.refreshedOnce = false;
      this.setStatus('connected');
      this.receipts.setSender((r) => this.send(socket, r));
    });
    socket.on('alert', (alert) => this.onAlert(alert));
    socket.on('alert:recall', (recall) => this.onRecall(recall));
    socket.on('connect_error', (err) => void this.onConnectError(socket, err));
    socket.on('disconnect', () => this.retry(socket));
  }

  private async onConnectError(socket: Socket, err: Error): Promise<void> {
    if (socket !== this.socket) return;
    socket.removeAllListeners();
    socket.disconnect();
    if (!AUTH_ERRORS.test(err.message)) return this.retry(socket);
    // Refused token: try the refresh hook once per failure streak, then give up until started again. A hook that
    // throws could not reach its issuer: that is transient, so back off and try again.
    let fresh: string | undefined;
    if (!this.refreshedOnce && this.opts.refreshToken) {
      try {
        fresh = await this.opts.refreshToken();
      } catch (e) {
        this.socket = undefined;
        return this.scheduleRetry((e as Error).message);
      }
    }
    if (!fresh) return this.unauthorized(err.message);
    this.refreshedOnce = true;
    this.refreshedToken = fresh;
    void this.connect();
  }

  private unauthorized(detail: string): void {
    this.running = false;
    this.receipts.close();
    this.setStatus('unauthorized', detail);
  }

  private retry(socket: Socket): void {
    if (socket !== this.socket || !this.running) return;
    this.socket = undefined;
    socket.removeAllListeners();
    socket.disconnect();
    this.scheduleRetry();
  }

  private scheduleRetry(detail?: string): void {
    if (!this.running) return;
    this.receipts.setSender(undefined);
    this.setStatus('offline', detail);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), backoffDelay(this.attempt++, this.backoff, this.random));
  }

  private async send(socket: Socket<ServerToClientEvents, ClientToServerEvents>, receipt: OutgoingReceipt): Promise<SendOutcome> {
    if (!socket.connected) return 'retry';
    try {
      const timed = socket.timeout(this.opts.receiptTimeoutMs ?? 10_000);
      const reply =
        receipt.state === 'responded'
          ? await timed.emitWithAck('respond', { occurrenceId: receipt.occurrenceId, ...receipt.response })
          : await timed.emitWithAck('receipt', { occurrenceId: receipt.occurrenceId, state: receipt.state });
      if (reply.ok) return 'confirmed';
      // The server parsed and refused it: sending the same bytes again cannot succeed.
      return /^invalid (receipt|response)/.test(reply.error) ? 'rejected' : 'retry';
    } catch {
      return 'retry';
    }
  }

  private onAlert(alert: ClientAlert): void {
    if (!alert || typeof alert.occurrenceId !== 'string') return;
    const id = alert.occurrenceId;
    // A reminder (`reminder: n`) shows an occurrence again to someone who has not acknowledged it: it is
    // de-duplicated per reminder number, not per occurrence, and it is never a mere resend.
    const key = alert.reminder ? `${id}#reminder-${alert.reminder}` : id;
    if (this.presented.has(key)) return;
    const before = this.seen.get(id);
    if (before?.state === 'recalled') return;
    this.presented.add(key);
    this.presented.add(id);
    if (before?.state === 'acknowledged') {
      // Acknowledged here, but the server had not recorded it when it resent: the queued receipt will settle it.
      this.receipts.add({ occurrenceId: id, state: 'acknowledged' });
      return;
    }
    this.seen.mark(id, 'received', this.now().toISOString(), alert);
    this.receipts.add({ occurrenceId: id, state: 'delivered' });
    this.emit('alert', { alert, resumed: before !== undefined && !alert.reminder });
  }

  private onRecall(recall: AlertRecall): void {
    if (!recall || typeof recall.occurrenceId !== 'string') return;
    this.seen.mark(recall.occurrenceId, 'recalled', this.now().toISOString());
    this.presented.add(recall.occurrenceId);
    this.emit('recall', recall);
  }
}
