import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, NotFoundError, parseOrThrow, TooManyRequestsError, UnauthorizedError } from '@herald/contracts';
import { Principal, requireRole } from '@herald/auth';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { CreateAlertRequest } from '../alerts/alert.dto';
import { AlertsService, AlertView } from '../alerts/alerts.service';
import { LoginThrottle } from '../auth/login-throttle';
import { TemplatesService } from '../templates/templates.service';
import { FireOverrides } from './emergency.dto';
import { EmergencyRetention } from './emergency-retention';
import { fingerprint } from './idempotency-key';
import { IdempotencyLedger, KeyClaim } from './idempotency-ledger';
import { WebhookRateLimit } from './webhook-rate-limit';
import { webhookTokenMatches } from './webhook-token';

/** How a firing reached us, for the audit trail. */
export type FireChannel = 'api' | 'webhook';

export interface FireOptions {
  channel?: FireChannel;
  /** The caller's Idempotency-Key (already validated): a retry with it returns the first firing's alert. */
  idempotencyKey?: string;
}

/** The alert a firing sent, and whether this request only replayed an earlier one with the same Idempotency-Key. */
export interface Fired {
  alert: AlertView;
  replayed: boolean;
}

/** The identity a webhook call acts as: the crisis role, nothing more, and named as such in every record. */
const WEBHOOK_PRINCIPAL: Principal = { userId: 'webhook:emergency', displayName: 'Emergency webhook', roles: ['crisis'] };
/** The LoginThrottle realm counting bad webhook tokens per client address. */
const WEBHOOK_REALM = 'webhook';

/**
 * The red button: one request turns a pre-approved crisis template into an alert sent to its audience now.
 * Only `crisis` and `admin` may fire; every attempt, allowed or refused, is an audit event (`emergency.fired`,
 * `emergency.replayed`, `emergency.rate-limited` or `emergency.refused`, beside the `auth.denied` every refusal gets).
 */
@Injectable()
export class EmergencyService {
  constructor(
    @Inject(INFRA) private readonly infra: Infra,
    private readonly templates: TemplatesService,
    private readonly alerts: AlertsService,
    private readonly audit: AuditTrail,
    private readonly ledger: IdempotencyLedger,
    private readonly limit: WebhookRateLimit,
    private readonly throttle: LoginThrottle,
    private readonly retention: EmergencyRetention,
  ) {}

  async fire(p: Principal, templateId: string, overrides: FireOverrides = {}, opts: FireOptions = {}): Promise<Fired> {
    const channel = opts.channel ?? 'api';
    const attempt = randomUUID();
    const now = this.infra.clock.now();
    let claim: KeyClaim | undefined;
    let sent: AlertView | undefined;
    try {
      requireRole(p, ['crisis', 'admin'], 'firing a crisis template');
      if (opts.idempotencyKey !== undefined) {
        // Scoped per caller and template; hashed, so keys typed by strangers never become document ids.
        const scope = channel === 'webhook' ? 'webhook' : `user:${p.userId}`;
        const result = await this.ledger.claim(fingerprint([scope, templateId, opts.idempotencyKey]), fingerprint({ templateId, overrides }), now);
        if (result.kind === 'replay') {
          await this.audit.record([{ id: `emergency:${attempt}`, actor: p.userId, action: 'emergency.replayed', subject: `template:${templateId}`, alertId: result.alert.id, details: { channel } }]);
          return { alert: result.alert, replayed: true };
        }
        claim = result.claim;
      }
      const t = await this.templates.find(templateId);
      // Replays never reach this line, so a monitoring system retrying with its key does not use up the limit.
      if (channel === 'webhook') await this.limit.take(t._id, now);
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
      sent = await this.alerts.send(p, created.id, t.reminders ? { reminders: t.reminders } : {});
      if (claim) await this.ledger.complete(claim, sent);
      await this.audit.record([
        { id: `emergency:${attempt}`, actor: p.userId, action: 'emergency.fired', subject: `template:${t._id}`, alertId: sent.id, details: { channel, templateVersion: t.version, overrides: Object.keys(overrides), severity: t.severity, idempotencyKey: claim !== undefined } },
      ]);
      await this.retention.purgeIfDue(now);
      return { alert: sent, replayed: false };
    } catch (err) {
      // Nothing went out: a retry with the same key may fire. (Once sent, the key stays, so a retry can never fire twice.)
      if (claim && !sent) await this.ledger.release(claim);
      const action = err instanceof TooManyRequestsError ? 'emergency.rate-limited' : 'emergency.refused';
      await this.audit.record([{ id: `emergency:${attempt}`, actor: p.userId, action, subject: `template:${templateId}`, details: { channel, reason: (err as Error).message, status: err instanceof DomainError ? err.status : 500 } }]);
      throw err;
    }
  }

  /**
   * A panic button or monitoring system: authenticated by its own token (EMERGENCY_WEBHOOK_TOKEN), never a user's
   * JWT. Bad tokens are counted per client address (LoginThrottle, realm `webhook`): a guesser is locked out with 429.
   */
  async fireFromWebhook(token: string | undefined, templateId: string, client: string, idempotencyKey?: string): Promise<Fired> {
    const expected = this.infra.env.EMERGENCY_WEBHOOK_TOKEN;
    if (!expected) throw new NotFoundError('the emergency webhook is disabled: set EMERGENCY_WEBHOOK_TOKEN to enable it');
    const now = this.infra.clock.now();
    const refuse = (reason: string, extra: Record<string, unknown> = {}) =>
      this.audit.record([{ id: `emergency:${randomUUID()}`, actor: 'anonymous', action: 'emergency.refused', subject: `template:${templateId}`, details: { channel: 'webhook', reason, client, ...extra } }]);
    const lock = await this.throttle.lockedAddress(WEBHOOK_REALM, client, now);
    if (lock) {
      await refuse('too many bad webhook tokens from this address', { status: 429, until: lock.until.toISOString() });
      throw new TooManyRequestsError(`too many bad webhook tokens from this address, try again after ${lock.until.toISOString()}`, (lock.until.getTime() - now.getTime()) / 1000);
    }
    if (!webhookTokenMatches(expected, token)) {
      await refuse('bad webhook token', { status: 401 });
      const imposed = await this.throttle.failAddress(WEBHOOK_REALM, client, now);
      if (imposed) {
        await this.audit.record([{ id: randomUUID(), actor: 'anonymous', action: 'auth.locked-out', subject: `client:${client}`, details: { client, realm: WEBHOOK_REALM, lockedBy: 'client', until: imposed.until.toISOString() } }]);
      }
      throw new UnauthorizedError('the emergency webhook needs Authorization: Bearer <EMERGENCY_WEBHOOK_TOKEN>');
    }
    return this.fire(WEBHOOK_PRINCIPAL, templateId, {}, { channel: 'webhook', idempotencyKey });
  }
}
