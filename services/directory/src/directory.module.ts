import { DynamicModule, Module } from '@nestjs/common';
import { ResolveAudience } from '@herald/contracts';
import { AuditTrail, Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { AudienceHandler } from './audiences/audience.handler';
import { AudienceService } from './audiences/audience.service';
import { AudienceRepository } from './audiences/audience.repository';
import { AudiencesController } from './audiences/audiences.controller';
import { SavedAudiencesService } from './audiences/saved-audiences.service';
import { DirectoryController } from './search/directory.controller';
import { SnapshotService } from './snapshot/snapshot.service';
import { SnapshotRepository } from './snapshot/snapshot.repository';

/** Directory: the only service that reads LDAP/AD; keeps a snapshot of it, owns saved audiences, resolves them. */
@Module({})
export class DirectoryModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: DirectoryModule,
      controllers: [AudienceHandler, AudiencesController, DirectoryController],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: AudienceRepository, useFactory: async () => AudienceRepository.open(await infra.store('directory')) },
        { provide: SnapshotRepository, useFactory: async () => SnapshotRepository.open(await infra.store('directory')) },
        AuditTrail,
        SnapshotService,
        AudienceService,
        SavedAudiencesService,
      ],
    };
  }
}

export const directoryService: ServiceDefinition = { name: 'directory', contracts: [ResolveAudience], module: (infra) => DirectoryModule.register(infra) };
