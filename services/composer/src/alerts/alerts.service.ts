import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AlertContent, assertKnownAudience, CancelSchedule, ConflictError, CreateSchedule, DeliveryView, dispatchContractFor, ExpiryRequested, ListDeliveries, NotFoundError, RecallReason, RecallRequested, ResolveAudience, ScheduleView, ValidationError } from '@herald/contracts';
import { Principal, requireRole } from '@herald/auth';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { AlertDoc, AlertRepository } from './alert.repository';
import { CreateAlertRequest, SendOptions } from './alert.dto';
import { sanitizeAlertBody } from './sanitize';
import { presentationFor } from './emergency-content';
import { checkEscalation, checkEscalationWindow } from './escalation-check';
import { SendPolicy, SENDERS } from './send-policy';

export type AlertView = Omit<AlertDoc, '_id'> & { id: string; schedule?: ScheduleView };
/** An alert as the API returns it. */
export const view = ({ _id, ...rest }: AlertDoc): AlertView => ({ id: _id, ...rest });
/** What every occurrence of the alert shows, sent now or scheduled. */
const contentOf = (a: AlertDoc): AlertContent => ({ title: a.title, body: a.body, severity: a.severity, presentation: a.presentation ?? 'popup', ...(a.responses ? { responses: a.responses } : {}) });

@Injectable()
export class AlertsService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: AlertRepository, private readonly audit: AuditTrail, private readonly policy: SendPolicy) {}

  async create(p: Principal, req: CreateAlertRequest): Promise<AlertView> {
    requireRole(p, SENDERS, 'creating an alert');
    const now = this.infra.clock.now();
    if (req.validUntil && Date.parse(req.validUntil) <= now.getTime()) throw new ValidationError('validUntil: must be in the future', 'validUntil');
    checkEscalation(this.infra.env, req.severity, req.escalation);
    if (req.validUntil) checkEscalationWindow(req.escalation, now.getTime(), req.validUntil);
    const resolved = await this.infra.bus.request(ResolveAudience, { audience: req.audience });
    assertKnownAudience(resolved);
    await this.policy.authorize(p, req.severity, resolved, 'creating an alert');
    const alert: AlertDoc = {
      _id: randomUUID(),
      title: req.title,
      body: sanitizeAlertBody(req.body),
      severity: req.severity,
      ...presentationFor(req),
      audience: req.audience,
      status: 'draft',
      createdBy: p.userId,
      createdAt: now.toISOString(),
      validUntil: req.validUntil ?? null,
      sentAt: null,
      occurrenceId: null,
      escalation: req.escalation ?? null,
    };
    await this.repo.insert(alert);
    await this.audit.record([{ id: `${alert._id}:created`, actor: p.userId, action: 'alert.created', subject: `alert:${alert._id}`, alertId: alert._id, details: { title: alert.title, severity: alert.severity, audience: alert.audience, recipients: resolved.userIds.length, ...(alert.escalation ? { escalation: alert.escalation } : {}) } }]);
    return view(alert);
  }

  async get(p: Principal, id: string): Promise<AlertView> {
    this.policy.mayReadSome(p, 'reading an alert');
    const alert = await this.find(id);
    this.policy.canRead(p, alert, 'reading an alert');
    return view(alert);
  }

  /**
   * Sends now. The dispatch is published before the alert is marked sent: if the process dies in between, a
   * retry publishes the same occurrence id again, which delivery treats idempotently — nothing is lost or doubled.
   */
  async send(p: Principal, id: string, options: SendOptions = {}): Promise<AlertView> {
    requireRole(p, SENDERS, 'sending an alert');
    const alert = await this.find(id);
    // Checked again at send time, on today's members: the sender may not be the creator, and groups change.
    await this.policy.authorize(p, alert.severity, await this.infra.bus.request(ResolveAudience, { audience: alert.audience }), 'sending an alert');
    if (alert.status !== 'draft') throw new ConflictError(`alert ${id} was already ${alert.status === 'scheduled' ? 'scheduled' : 'sent'}`);
    // Checked again now: SMTP may have been configured away, and escalation comes after the reminders chosen now.
    checkEscalation(this.infra.env, alert.severity, alert.escalation, options.reminders);
    if (Object.keys(options).length) return this.schedule(p, alert, options);
    const now = this.infra.clock.now();
    const validUntil = alert.validUntil ?? new Date(now.getTime() + this.infra.env.ALERT_DEFAULT_VALIDITY_HOURS * 3_600_000).toISOString();
    if (Date.parse(validUntil) <= now.getTime()) throw new ConflictError(`alert ${id} expired at ${validUntil}`);
    checkEscalationWindow(alert.escalation, now.getTime(), validUntil);
    const occurrenceId = `${id}.1`;
    const correlationId = randomUUID();
    await this.infra.bus.publish(dispatchContractFor(alert.severity), { alertId: id, occurrenceId, content: contentOf(alert), audience: alert.audience, validUntil, requestedBy: p.userId }, { correlationId });
    await this.infra.bus.publish(ExpiryRequested, { alertId: id, occurrenceId, validUntil, sentAt: now.toISOString(), ...(alert.escalation ? { escalation: alert.escalation } : {}) }, { correlationId });
    await this.repo.markSent(id, occurrenceId, now.toISOString(), validUntil);
    await this.audit.record([{ id: `${id}:sent`, actor: p.userId, action: 'alert.sent', subject: `alert:${id}`, alertId: id, correlationId, details: { occurrenceId, validUntil } }], correlationId);
    return view((await this.repo.get(id))!);
  }

  /**
   * Hands the alert to the scheduler with its timing; the scheduler validates it (400 naming the field) and fires
   * each occurrence. The alert's `validUntil` applies unless the options give a window.
   */
  private async schedule(p: Principal, alert: AlertDoc, options: SendOptions): Promise<AlertView> {
    const spec: SendOptions = { ...options, ...(alert.validUntil && !options.validUntil && !options.validFor ? { validUntil: alert.validUntil } : {}) };
    const correlationId = randomUUID();
    const escalation = alert.escalation ? { escalation: alert.escalation } : {};
    const schedule = await this.infra.bus.request(CreateSchedule, { alertId: alert._id, content: contentOf(alert), audience: alert.audience, spec, requestedBy: p.userId, ...escalation }, { correlationId });
    await this.repo.markScheduled(alert._id, this.infra.clock.now().toISOString());
    await this.audit.record([{ id: `${alert._id}:scheduled`, actor: p.userId, action: 'alert.scheduled', subject: `alert:${alert._id}`, alertId: alert._id, correlationId, details: { spec } }], correlationId);
    return { ...view((await this.repo.get(alert._id))!), schedule };
  }

  /**
   * Takes an alert off every screen: no more firings or reminders (scheduler), open deliveries become `recalled`
   * and connected clients get `alert:recall` (delivery → gateways). Repeating it is harmless.
   */
  async recall(p: Principal, id: string, reason: RecallReason = 'recall'): Promise<AlertView> {
    requireRole(p, SENDERS, 'recalling an alert');
    const alert = await this.find(id);
    // Whoever may send this alert to its audience may take it down again.
    await this.policy.authorize(p, alert.severity, await this.infra.bus.request(ResolveAudience, { audience: alert.audience }), 'recalling an alert');
    if (alert.status === 'draft') throw new ConflictError(`alert ${id} was never sent`);
    const correlationId = randomUUID();
    if (alert.status === 'scheduled') await this.infra.bus.request(CancelSchedule, { alertId: id, requestedBy: p.userId }, { correlationId });
    await this.infra.bus.publish(RecallRequested, { alertId: id, requestedBy: p.userId, reason }, { correlationId });
    await this.repo.markRecalled(id, this.infra.clock.now().toISOString(), reason);
    const action = reason === 'all-clear' ? 'alert.all-clear' : 'alert.recalled';
    await this.audit.record([{ id: `${id}:${reason}`, actor: p.userId, action, subject: `alert:${id}`, alertId: id, correlationId }], correlationId);
    return view((await this.repo.get(id))!);
  }

  async deliveries(p: Principal, id: string): Promise<{ alertId: string; counts: Record<string, number>; deliveries: DeliveryView[] }> {
    this.policy.mayReadSome(p, 'reading deliveries');
    this.policy.canRead(p, await this.find(id), 'reading deliveries');
    const { deliveries } = await this.infra.bus.request(ListDeliveries, { alertId: id });
    const counts: Record<string, number> = { targeted: deliveries.length, sent: 0, delivered: 0, displayed: 0, acknowledged: 0, responded: 0, expired: 0, recalled: 0, reminded: 0, escalated: 0, escalationFailed: 0 };
    for (const d of deliveries) for (const s of ['sent', 'delivered', 'displayed', 'acknowledged', 'responded', 'expired', 'recalled'] as const) if (d[`${s}At`]) counts[s]++;
    counts.reminded = deliveries.filter((d) => d.reminders > 0).length;
    counts.escalated = deliveries.filter((d) => d.escalation?.state === 'sent').length;
    counts.escalationFailed = deliveries.filter((d) => d.escalation?.state === 'failed').length;
    return { alertId: id, counts, deliveries };
  }

  private async find(id: string): Promise<AlertDoc> {
    const alert = await this.repo.get(id);
    if (!alert) throw new NotFoundError(`alert ${id} not found`);
    return alert;
  }
}
