import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Cidr, ClientPresence, PresenceReport } from '@herald/contracts';
import { DirectoryComputer } from '@herald/directory-source';
import { counter, JsonLogger } from '@herald/observability';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { Located, shortNamesOf, usersInNetworks, usersOnComputers } from './presence-match';
import { PresenceRepository } from './presence.repository';

/** What computer and network-range clauses select, against presence at one moment. */
export interface PresenceView {
  onComputers(computers: DirectoryComputer[]): Promise<Set<string>>;
  inNetworks(ranges: Cidr[]): Promise<Set<string>>;
}

const reported = counter('herald_presence_reports_total', 'Client session reports applied to presence, by state', ['state']);
const PURGE_EVERY_MS = 60 * 60_000;

/**
 * Presence: which users' clients were seen lately on which computer and from which address, as the gateways report
 * them. Computer and network-range audiences select the users seen within PRESENCE_WINDOW_MINUTES (connected
 * clients stay fresh through the gateways' heartbeat). Records not seen for PRESENCE_RETENTION_DAYS are purged.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private readonly log: JsonLogger;

  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: PresenceRepository, private readonly audit: AuditTrail) {
    this.log = infra.logger('presence');
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.purge().catch((err: Error) => this.log.write('error', 'presence purge failed', { error: err.message })), PURGE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async record(reports: PresenceReport[]): Promise<void> {
    await this.repo.apply(reports);
    for (const r of reports) reported.inc({ state: r.state });
  }

  /** Deletes records not seen within the retention period; the purge is audited with its cut-off and count. */
  async purge(): Promise<number> {
    const cutoff = new Date(this.infra.clock.now().getTime() - this.infra.env.PRESENCE_RETENTION_DAYS * 86_400_000).toISOString();
    const removed = await this.repo.purge(cutoff);
    if (removed) await this.audit.record([{ id: `presence:purged:${cutoff}`, actor: 'system', action: 'presence.purged', subject: 'presence', details: { before: cutoff, removed } }]);
    return removed;
  }

  /** Presence as the store holds it now, for resolving an audience at send time. */
  current(): PresenceView {
    const since = this.since();
    return {
      onComputers: async (computers) => usersOnComputers(await this.repo.onHosts(shortNamesOf(computers), since), computers),
      inNetworks: async (ranges) => {
        const ids = new Set<string>();
        for await (const batch of this.repo.seenSince(since)) for (const id of usersInNetworks(batch, ranges)) ids.add(id);
        return ids;
      },
    };
  }

  /**
   * Presence of one user who is connecting now: their stored records plus the connection itself (its report may
   * still be on the bus), for deciding whether an alert already sent reaches them.
   */
  async forUser(userId: string, now: ClientPresence): Promise<PresenceView> {
    const records: Located[] = [...(await this.repo.ofUser(userId, this.since())), { userId, host: now.computer?.toLowerCase() ?? null, address: now.address }];
    return { onComputers: async (computers) => usersOnComputers(records, computers), inNetworks: async (ranges) => usersInNetworks(records, ranges) };
  }

  private since(): string {
    return new Date(this.infra.clock.now().getTime() - this.infra.env.PRESENCE_WINDOW_MINUTES * 60_000).toISOString();
  }
}
