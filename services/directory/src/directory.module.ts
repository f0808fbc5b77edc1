import { DynamicModule, Module } from '@nestjs/common';
import { ResolveAudience } from '@herald/contracts';
import { Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { AudienceHandler } from './audiences/audience.handler';
import { AudienceService } from './audiences/audience.service';

/** Directory: the only service that reads LDAP/AD for audiences; resolves them for composer and delivery. */
@Module({})
export class DirectoryModule {
  static register(infra: Infra): DynamicModule {
    return { module: DirectoryModule, controllers: [AudienceHandler], providers: [{ provide: INFRA, useValue: infra }, AudienceService] };
  }
}

export const directoryService: ServiceDefinition = { name: 'directory', contracts: [ResolveAudience], module: (infra) => DirectoryModule.register(infra) };
