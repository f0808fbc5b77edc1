import { DynamicModule, Module } from '@nestjs/common';
import { AuditRecorded } from '@herald/contracts';
import { Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { ChainRepository } from './chain/chain.repository';
import { ChainWriter } from './chain/chain.writer';
import { newChainId } from './chain/record';
import { auditSigningKey } from './chain/signing-key';
import { AuditAccess } from './entries/audit-access';
import { AuditController } from './entries/audit.controller';
import { AuditService } from './entries/audit.service';
import { ExportController } from './export/export.controller';
import { ExportService } from './export/export.service';
import { ReportController } from './report/report.controller';
import { ReportService } from './report/report.service';
import { RetentionController } from './retention/retention.controller';
import { RetentionService } from './retention/retention.service';

/** Audit: appends every domain event to a hash chain, verifies it, and serves queries, exports and reports. */
@Module({})
export class AuditModule {
  static register(infra: Infra): DynamicModule {
    // Fail at boot, not at the first checkpoint, when distributed mode lacks the signing key.
    const signingKey = auditSigningKey(infra.env);
    return {
      module: AuditModule,
      controllers: [AuditController, ExportController, ReportController, RetentionController],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: ChainRepository, useFactory: async () => ChainRepository.open(await infra.store('audit')) },
        {
          provide: ChainWriter,
          useFactory: (repo: ChainRepository) => new ChainWriter(repo, { chain: newChainId(infra.clock.now()), signingKey, checkpointEvery: infra.env.AUDIT_CHECKPOINT_EVERY, now: () => infra.clock.now() }),
          inject: [ChainRepository],
        },
        AuditAccess,
        AuditService,
        ExportService,
        ReportService,
        RetentionService,
      ],
    };
  }
}

export const auditService: ServiceDefinition = { name: 'audit', contracts: [AuditRecorded], module: (infra) => AuditModule.register(infra) };
