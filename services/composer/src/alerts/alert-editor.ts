import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { assertKnownAudience, ConflictError, NotFoundError, parseOrThrow, ResolveAudience, UpdateScheduleContent } from '@herald/contracts';
import { Principal, requireRole } from '@herald/auth';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { AlertDoc, AlertRepository } from './alert.repository';
import { CreateAlertRequest, EditAlertRequest } from './alert.dto';
import { sanitizeAlertBody } from './sanitize';
import { presentationFor } from './emergency-content';
import { checkEscalation } from './escalation-check';
import { SendPolicy, SENDERS } from './send-policy';
import { AlertView, view } from './alerts.service';

const EDITABLE = ['title', 'body', 'severity', 'presentation', 'responses', 'audience'] as const;
type Editable = Pick<AlertDoc, (typeof EDITABLE)[number]>;
const editableOf = (a: AlertDoc): Editable => ({ title: a.title, body: a.body, severity: a.severity, presentation: a.presentation, ...(a.responses ? { responses: a.responses } : {}), audience: a.audience });

/**
 * Edits the content of an alert that has not gone out yet: a draft, or the occurrences of a scheduled alert that
 * have not fired. The composer's alert record is the source of truth for what the next occurrence says; the
 * scheduler keeps a copy (sent with the schedule, replaced here) that it reads when a firing is due, and every
 * occurrence already fired keeps, in delivery, the content it was sent with.
 */
@Injectable()
export class AlertEditor {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: AlertRepository, private readonly audit: AuditTrail, private readonly policy: SendPolicy) {}

  async edit(p: Principal, id: string, patch: EditAlertRequest): Promise<AlertView> {
    requireRole(p, SENDERS, 'editing an alert');
    const alert = await this.repo.get(id);
    if (!alert) throw new NotFoundError(`alert ${id} not found`);
    // The editor must be allowed to send the alert as it is (to take it over) and as it will be.
    await this.policy.authorize(p, alert.severity, await this.infra.bus.request(ResolveAudience, { audience: alert.audience }), 'editing an alert');
    if (alert.status !== 'draft' && alert.status !== 'scheduled') throw new ConflictError(`alert ${id} was already ${alert.status}; only drafts and scheduled alerts can be edited`);
    const before = editableOf(alert);
    // Validated exactly as at creation, on the merged alert (e.g. fullscreen against a new severity).
    const merged = parseOrThrow(CreateAlertRequest, { ...before, ...patch });
    const resolved = await this.infra.bus.request(ResolveAudience, { audience: merged.audience });
    assertKnownAudience(resolved);
    // An escalation policy stays with the alert: the new severity must still be one that can be escalated.
    checkEscalation(this.infra.env, merged.severity, alert.escalation);
    await this.policy.authorize(p, merged.severity, resolved, 'editing an alert');
    const after: Editable = { title: merged.title, body: sanitizeAlertBody(merged.body), severity: merged.severity, ...presentationFor(merged), audience: merged.audience };
    const correlationId = randomUUID();
    const now = this.infra.clock.now().toISOString();
    if (alert.status === 'scheduled') {
      const { audience, ...content } = after;
      await this.infra.bus.request(UpdateScheduleContent, { alertId: id, content: { ...content, presentation: content.presentation ?? 'popup' }, audience, requestedBy: p.userId }, { correlationId });
    }
    if (!(await this.repo.updateContent(id, { ...after, editedAt: now, editedBy: p.userId }))) {
      // Zero documents changed: the same edit repeated (fine), or the alert was sent or recalled meanwhile.
      const status = (await this.repo.get(id))?.status;
      if (status !== 'draft' && status !== 'scheduled') throw new ConflictError(`alert ${id} was sent or recalled meanwhile`);
    }
    await this.audit.record([{ id: `${id}:edited:${now}:${correlationId}`, actor: p.userId, action: 'alert.edited', subject: `alert:${id}`, alertId: id, correlationId, details: { status: alert.status, before, after, recipients: resolved.userIds.length } }], correlationId);
    return view((await this.repo.get(id))!);
  }
}
