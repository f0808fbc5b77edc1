import { Inject, Injectable } from '@nestjs/common';
import { ClientAlert, deliveryId, DoNotDisturb, DoNotDisturbView, Severity, ValidationError } from '@herald/contracts';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { DeliveryRepository, OccurrenceDoc, toClientAlert } from '../deliveries/delivery.repository';
import { fanOut } from '../dispatch/fan-out';
import { DoNotDisturbDoc, DoNotDisturbRepository, HoldDoc } from './do-not-disturb.repository';
import { quietPeriodEnd } from './quiet-period';

/** Severities do-not-disturb holds back; critical and emergency alerts always come through. */
export const HOLDABLE: readonly Severity[] = ['info', 'warning'];
const MAX_UNTIL_MS = 366 * 86_400_000;
const RELEASE_BATCH = 500;

const settingsOf = (d: DoNotDisturbDoc | null): DoNotDisturb => ({ quietHours: d?.quietHours ?? null, until: d?.until ?? null });

/**
 * Per-recipient do-not-disturb: while a recipient's quiet hours or "until" apply, info and warning alerts are held
 * (a hold per delivery, `heldUntil` on it) instead of pushed, and pushed when the period ends — by `release`, run
 * on a timer (DND_RELEASE_TICK_MS) and at once when the recipient ends it — or on their next connect after it.
 * Held deliveries whose window closes meanwhile expire as usual; recalled ones are never pushed.
 */
@Injectable()
export class DoNotDisturbService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: DoNotDisturbRepository, private readonly deliveries: DeliveryRepository, private readonly audit: AuditTrail) {}

  async get(userId: string): Promise<DoNotDisturbView> {
    return this.view(await this.repo.get(userId));
  }

  /** Replaces a recipient's settings; what they hold follows the new end (released now if there is none). */
  async set(userId: string, settings: DoNotDisturb): Promise<DoNotDisturbView> {
    const now = this.infra.clock.now();
    if (settings.until !== null) {
      const until = Date.parse(settings.until);
      if (until <= now.getTime()) throw new ValidationError('until: must be in the future', 'until');
      if (until > now.getTime() + MAX_UNTIL_MS) throw new ValidationError('until: at most 366 days ahead', 'until');
    }
    const doc: DoNotDisturbDoc = { _id: userId, quietHours: settings.quietHours, until: settings.until ? new Date(settings.until).toISOString() : null, updatedAt: now.toISOString() };
    if (doc.quietHours || doc.until) await this.repo.save(doc);
    else await this.repo.clear(userId);
    const end = (quietPeriodEnd(settingsOf(doc), now) ?? now).toISOString();
    await this.repo.moveAll(userId, end);
    await this.deliveries.moveHeld(userId, now.toISOString(), end);
    await this.audit.record([{ id: `${userId}:dnd:${now.toISOString()}`, actor: userId, action: 'delivery.dnd-updated', subject: `user:${userId}`, details: { quietHours: doc.quietHours, until: doc.until } }]);
    if (end <= now.toISOString()) await this.release();
    return this.view(doc);
  }

  /** For an occurrence just targeted: holds the recipients in a quiet period and returns them (not to be pushed). */
  async holdBack(o: OccurrenceDoc, userIds: string[], correlationId?: string): Promise<Set<string>> {
    if (!HOLDABLE.includes(o.severity)) return new Set();
    const ends = await this.quietUntil(new Set(userIds));
    await this.hold(o._id, o.alertId, ends, correlationId);
    return new Set(ends.keys());
  }

  /** On connect: a recipient in a quiet period gets only what may interrupt them; the rest is held until it ends. */
  async filterPending(userId: string, alerts: ClientAlert[]): Promise<ClientAlert[]> {
    const holdable = alerts.filter((a) => HOLDABLE.includes(a.severity));
    if (!holdable.length) return alerts;
    const end = quietPeriodEnd(settingsOf(await this.repo.get(userId)), this.infra.clock.now());
    if (!end) return alerts;
    for (const a of holdable) await this.hold(a.occurrenceId, a.alertId, new Map([[userId, end]]));
    return alerts.filter((a) => !HOLDABLE.includes(a.severity));
  }

  /** Of these recipients, those in a quiet period now, with its end (a reminder is not pushed to them). */
  async quietUntil(userIds: Set<string>): Promise<Map<string, Date>> {
    const now = this.infra.clock.now();
    const ends = new Map<string, Date>();
    // Many recipients share the same quiet hours (a team's, a site's): each distinct setting is evaluated once.
    const bySetting = new Map<string, Date | null>();
    for await (const batch of this.repo.all()) {
      for (const d of batch) {
        if (!userIds.has(d._id)) continue;
        const key = JSON.stringify(settingsOf(d));
        if (!bySetting.has(key)) bySetting.set(key, quietPeriodEnd(settingsOf(d), now));
        const end = bySetting.get(key);
        if (end) ends.set(d._id, end);
      }
    }
    return ends;
  }

  /**
   * Pushes what was held for recipients whose quiet period is over; a recipient whose period was extended keeps
   * theirs held until its new end. Safe with several delivery replicas: each hold is taken by one delete.
   */
  async release(): Promise<number> {
    const now = this.infra.clock.now();
    let released = 0;
    for (;;) {
      const due = await this.repo.due(now.toISOString(), RELEASE_BATCH);
      const taken: HoldDoc[] = [];
      for (const h of due) {
        const end = quietPeriodEnd(settingsOf(await this.repo.get(h.userId)), now);
        if (end) {
          if (await this.repo.move(h, end.toISOString())) await this.deliveries.markHeld(h.occurrenceId, [h.userId], end.toISOString());
        } else if (await this.repo.take(h)) taken.push(h);
      }
      released += await this.push(taken, now.toISOString());
      if (due.length < RELEASE_BATCH) return released;
    }
  }

  private async push(holds: HoldDoc[], now: string): Promise<number> {
    const byOccurrence = new Map<string, HoldDoc[]>();
    for (const h of holds) byOccurrence.set(h.occurrenceId, [...(byOccurrence.get(h.occurrenceId) ?? []), h]);
    let pushed = 0;
    for (const [occurrenceId, hs] of byOccurrence) {
      const o = await this.deliveries.getOccurrence(occurrenceId);
      if (!o || (await this.deliveries.isRecalled(o.alertId))) continue;
      const userIds = await this.deliveries.showable(occurrenceId, hs.map((h) => h.userId), now);
      if (!userIds.length) continue;
      await fanOut(this.infra, toClientAlert(o), userIds, occurrenceId);
      await this.audit.record(userIds.map((u) => ({ id: `${occurrenceId}:${u}:released:${now}`, actor: 'system', action: 'delivery.released', subject: `delivery:${occurrenceId}:${u}`, alertId: o.alertId, correlationId: occurrenceId, details: {} })), occurrenceId);
      pushed += userIds.length;
    }
    return pushed;
  }

  private async hold(occurrenceId: string, alertId: string, ends: Map<string, Date>, correlationId?: string): Promise<void> {
    if (!ends.size) return;
    const byEnd = new Map<string, string[]>();
    for (const [u, end] of ends) byEnd.set(end.toISOString(), [...(byEnd.get(end.toISOString()) ?? []), u]);
    for (const [until, userIds] of byEnd) {
      await this.repo.hold(userIds.map((userId) => ({ _id: deliveryId(occurrenceId, userId), userId, occurrenceId, alertId, until })));
      await this.deliveries.markHeld(occurrenceId, userIds, until);
      await this.audit.record(userIds.map((u) => ({ id: `${occurrenceId}:${u}:held:${until}`, actor: 'system', action: 'delivery.held', subject: `delivery:${occurrenceId}:${u}`, alertId, correlationId, details: { until } })), correlationId);
    }
  }

  private view(d: DoNotDisturbDoc | null): DoNotDisturbView {
    const end = quietPeriodEnd(settingsOf(d), this.infra.clock.now());
    return { ...settingsOf(d), active: end !== null, activeUntil: end?.toISOString() ?? null, updatedAt: d?.updatedAt ?? null };
  }
}
