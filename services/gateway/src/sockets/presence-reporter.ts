import { ClientPresence, PresenceReport, PresenceReported } from '@herald/contracts';
import { JsonLogger } from '@herald/observability';
import { Infra } from '@herald/runtime';
import { Batcher } from './batcher';

/** A client session this gateway holds. */
export interface Session {
  sessionId: string;
  userId: string;
  presence: ClientPresence;
}

const MAX_REPORTS = 5_000;

/**
 * Tells the directory where clients are: each session's connect and disconnect, and every
 * PRESENCE_HEARTBEAT_SECONDS a `seen` for every session still held (so presence stays fresh while connected, and
 * a gateway that dies simply stops refreshing its sessions). Batched like receipts; best effort: a report that
 * cannot be published is logged, never a reason to drop a connection.
 */
export class PresenceReporter {
  private readonly batcher: Batcher<PresenceReport>;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly infra: Infra, private readonly log: JsonLogger, private readonly held: () => Iterable<Session>) {
    this.batcher = new Batcher((reports) => this.publish(reports), MAX_REPORTS, infra.env.RECEIPT_BATCH_MS);
  }

  start(): void {
    this.timer = setInterval(() => this.heartbeat(), this.infra.env.PRESENCE_HEARTBEAT_SECONDS * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.batcher.flush();
  }

  connected(s: Session): void {
    this.report(s, 'connected');
  }

  disconnected(s: Session): void {
    this.report(s, 'disconnected');
  }

  /** One timestamp for the whole beat: the directory refreshes all of them in one write. */
  heartbeat(): void {
    const at = this.infra.clock.now().toISOString();
    for (const s of this.held()) this.report(s, 'seen', at);
  }

  private report(s: Session, state: PresenceReport['state'], at = this.infra.clock.now().toISOString()): void {
    const { computer, address } = s.presence;
    void this.batcher.add({ sessionId: s.sessionId, userId: s.userId, ...(computer ? { computer } : {}), address, state, at }).catch(() => undefined);
  }

  private async publish(reports: PresenceReport[]): Promise<void> {
    try {
      await this.infra.bus.publish(PresenceReported, { reports });
    } catch (err) {
      this.log.write('warn', 'could not report presence', { reports: reports.length, error: (err as Error).message });
    }
  }
}
