import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, NotFoundError, parseOrThrow, UnauthorizedError } from '@herald/contracts';
import { Principal, requireRole } from '@herald/auth';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { CreateAlertRequest } from '../alerts/alert.dto';
import { AlertsService, AlertView } from '../alerts/alerts.service';
import { TemplatesService } from '../templates/templates.service';
import { FireOverrides } from './emergency.dto';
import { webhookTokenMatches } from './webhook-token';

/** How a firing reached us, for the audit trail. */
export type FireChannel = 'api' | 'webhook';

/** The identity a webhook call acts as: the crisis role, nothing more, and named as such in every record. */
const WEBHOOK_PRINCIPAL: Principal = { userId: 'webhook:emergency', displayName: 'Emergency webhook', roles: ['crisis'] };

/**
 * The red button: one request turns a pre-approved crisis template into an alert sent to its audience now.
 * Only `crisis` and `admin` may fire; every attempt, allowed or refused, is an audit event (`emergency.fired` or
 * `emergency.refused`, beside the `auth.denied` every refusal gets).
 */
@Injectable()
export class EmergencyService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly templates: TemplatesService, private readonly alerts: AlertsService, private readonly audit: AuditTrail) {}

  async fire(p: Principal, templateId: string, overrides: FireOverrides = {}, channel: FireChannel = 'api'): Promise<AlertView> {
    const attempt = randomUUID();
    try {
      requireRole(p, ['crisis', 'admin'], 'firing a crisis template');
      const t = await this.templates.find(templateId);
      const request = parseOrThrow(CreateAlertRequest, {
        title: overrides.title ?? t.title,
        body: overrides.body ?? t.body,
        severity: t.severity,
        presentation: t.presentation,
        audience: overrides.audience ?? t.audience,
        ...(t.responses ? { responses: t.responses } : {}),
        ...(t.escalation ? { escalation: t.escalation } : {}),
      });
      const created = await this.alerts.create(p, request);
      // Reminders need the scheduler (it re-shows the alert to whoever has not answered); without them the alert goes straight to delivery.
      const sent = await this.alerts.send(p, created.id, t.reminders ? { reminders: t.reminders } : {});
      await this.audit.record([
        { id: `emergency:${attempt}`, actor: p.userId, action: 'emergency.fired', subject: `template:${t._id}`, alertId: sent.id, details: { channel, templateVersion: t.version, overrides: Object.keys(overrides), severity: t.severity } },
      ]);
      return sent;
    } catch (err) {
      await this.audit.record([{ id: `emergency:${attempt}`, actor: p.userId, action: 'emergency.refused', subject: `template:${templateId}`, details: { channel, reason: (err as Error).message, status: err instanceof DomainError ? err.status : 500 } }]);
      throw err;
    }
  }

  /** A panic button or monitoring system: authenticated by its own token (EMERGENCY_WEBHOOK_TOKEN), never a user's JWT. */
  async fireFromWebhook(token: string | undefined, templateId: string, client?: string): Promise<AlertView> {
    const expected = this.infra.env.EMERGENCY_WEBHOOK_TOKEN;
    if (!expected) throw new NotFoundError('the emergency webhook is disabled: set EMERGENCY_WEBHOOK_TOKEN to enable it');
    if (!webhookTokenMatches(expected, token)) {
      await this.audit.record([{ id: `emergency:${randomUUID()}`, actor: 'anonymous', action: 'emergency.refused', subject: `template:${templateId}`, details: { channel: 'webhook', reason: 'bad webhook token', client } }]);
      throw new UnauthorizedError('the emergency webhook needs Authorization: Bearer <EMERGENCY_WEBHOOK_TOKEN>');
    }
    return this.fire(WEBHOOK_PRINCIPAL, templateId, {}, 'webhook');
  }
}
