import { DynamicModule, Module } from '@nestjs/common';
import { AdmitToAudiences, DescribeUsers, PresenceReported, ResolveAudience } from '@herald/contracts';
import { AuditTrail, Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { AudienceHandler } from './audiences/audience.handler';
import { AudienceService } from './audiences/audience.service';
import { AudienceRepository } from './audiences/audience.repository';
import { AudiencesController } from './audiences/audiences.controller';
import { SavedAudiencesService } from './audiences/saved-audiences.service';
import { PresenceHandler } from './presence/presence.handler';
import { PresenceRepository } from './presence/presence.repository';
import { PresenceService } from './presence/presence.service';
import { DirectoryController } from './search/directory.controller';
import { PeopleHandler } from './search/people.handler';
import { SnapshotService } from './snapshot/snapshot.service';
import { SnapshotRepository } from './snapshot/snapshot.repository';

/**
 * Directory: the only service that reads LDAP/AD; keeps a snapshot of it and the clients' presence (who is on which
 * computer, from which address), owns saved audiences, resolves them.
 */
@Module({})
export class DirectoryModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: DirectoryModule,
      controllers: [AudienceHandler, PeopleHandler, PresenceHandler, AudiencesController, DirectoryController],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: AudienceRepository, useFactory: async () => AudienceRepository.open(await infra.store('directory')) },
        { provide: SnapshotRepository, useFactory: async () => SnapshotRepository.open(await infra.store('directory')) },
        { provide: PresenceRepository, useFactory: async () => PresenceRepository.open(await infra.store('directory')) },
        AuditTrail,
        SnapshotService,
        PresenceService,
        AudienceService,
        SavedAudiencesService,
      ],
    };
  }
}

export const directoryService: ServiceDefinition = { name: 'directory', contracts: [ResolveAudience, AdmitToAudiences, PresenceReported, DescribeUsers], module: (infra) => DirectoryModule.register(infra) };
