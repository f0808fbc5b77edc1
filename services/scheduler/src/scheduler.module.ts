import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Infra, INFRA, ServiceDefinition } from '@herald/runtime';

/**
 * Scheduler: deferred, recurring and validity-window jobs (the scheduling issue). In the walking skeleton it is a
 * bare service that boots, joins the bus and answers health checks, so deployments already carry it.
 */
@Module({})
export class SchedulerModule {
  static register(infra: Infra): DynamicModule {
    return { module: SchedulerModule, imports: [ScheduleModule.forRoot()], providers: [{ provide: INFRA, useValue: infra }] };
  }
}

export const schedulerService: ServiceDefinition = { name: 'scheduler', contracts: [], module: (infra) => SchedulerModule.register(infra) };
