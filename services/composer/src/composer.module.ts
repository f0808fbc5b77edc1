import { DynamicModule, Module } from '@nestjs/common';
import { AuditTrail, Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsService } from './alerts/alerts.service';
import { AlertRepository } from './alerts/alert.repository';
import { SendPolicy } from './alerts/send-policy';
import { AlertEditor } from './alerts/alert-editor';
import { RecentAlerts } from './alerts/recent-alerts';
import { LoginThrottle } from './auth/login-throttle';
import { SessionRepository } from './auth/session.repository';
import { TemplatesController } from './templates/templates.controller';
import { TemplatesService } from './templates/templates.service';
import { TemplateRepository } from './templates/template.repository';
import { EmergencyController } from './emergency/emergency.controller';
import { EmergencyService } from './emergency/emergency.service';
import { EmergencyRetention } from './emergency/emergency-retention';
import { IdempotencyLedger } from './emergency/idempotency-ledger';
import { WebhookRateLimit } from './emergency/webhook-rate-limit';
import { AccountabilityController } from './accountability/accountability.controller';
import { AccountabilityService } from './accountability/accountability.service';
import { DoNotDisturbController } from './me/do-not-disturb.controller';
import { DoNotDisturbService } from './me/do-not-disturb.service';
import { SummaryFeeds } from './accountability/summary-feeds';

/** Composer: the admin REST API — login and sessions, alert authoring, send-now, crisis templates and emergency firing; asks delivery for per-recipient state. */
@Module({})
export class ComposerModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: ComposerModule,
      controllers: [AuthController, AlertsController, TemplatesController, EmergencyController, AccountabilityController, DoNotDisturbController],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: AlertRepository, useFactory: async () => AlertRepository.open(await infra.store('composer')) },
        { provide: TemplateRepository, useFactory: async () => TemplateRepository.open(await infra.store('composer')) },
        { provide: SessionRepository, useFactory: async () => SessionRepository.open(await infra.store('composer')) },
        {
          provide: LoginThrottle,
          useFactory: async () =>
            LoginThrottle.open(await infra.store('composer'), { maxPerUser: infra.env.LOGIN_MAX_FAILURES, maxPerClient: infra.env.LOGIN_MAX_FAILURES_PER_CLIENT, lockoutMs: infra.env.LOGIN_LOCKOUT_SECONDS * 1000 }),
        },
        { provide: IdempotencyLedger, useFactory: async () => IdempotencyLedger.open(await infra.store('composer'), infra.env.EMERGENCY_IDEMPOTENCY_HOURS * 3_600_000) },
        { provide: WebhookRateLimit, useFactory: async () => WebhookRateLimit.open(await infra.store('composer'), infra.env.EMERGENCY_WEBHOOK_MAX_PER_MINUTE) },
        AuditTrail,
        AuthService,
        SendPolicy,
        AlertsService,
        AlertEditor,
        RecentAlerts,
        TemplatesService,
        EmergencyService,
        EmergencyRetention,
        AccountabilityService,
        DoNotDisturbService,
        SummaryFeeds,
      ],
    };
  }
}

export const composerService: ServiceDefinition = { name: 'composer', contracts: [], module: (infra) => ComposerModule.register(infra) };
