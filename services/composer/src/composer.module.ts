import { DynamicModule, Module } from '@nestjs/common';
import { AuditTrail, Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsService } from './alerts/alerts.service';
import { AlertRepository } from './alerts/alert.repository';

/** Composer: the admin REST API — login, alert authoring, send-now; asks delivery for per-recipient state. */
@Module({})
export class ComposerModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: ComposerModule,
      controllers: [AuthController, AlertsController],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: AlertRepository, useFactory: async () => AlertRepository.open(await infra.store('composer')) },
        AuditTrail,
        AuthService,
        AlertsService,
      ],
    };
  }
}

export const composerService: ServiceDefinition = { name: 'composer', contracts: [], module: (infra) => ComposerModule.register(infra) };
