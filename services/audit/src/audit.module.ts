import { DynamicModule, Module } from '@nestjs/common';
import { AuditRecorded } from '@herald/contracts';
import { Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { AuditController } from './entries/audit.controller';
import { AuditRepository } from './entries/audit.repository';
import { AuditService } from './entries/audit.service';

/** Audit: appends every domain event it is sent and serves the trail to admins. */
@Module({})
export class AuditModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditController],
      providers: [{ provide: INFRA, useValue: infra }, { provide: AuditRepository, useFactory: async () => AuditRepository.open(await infra.store('audit')) }, AuditService],
    };
  }
}

export const auditService: ServiceDefinition = { name: 'audit', contracts: [AuditRecorded], module: (infra) => AuditModule.register(infra) };
