import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CancelSchedule, CreateSchedule, ExpiryRequested, UpdateScheduleContent } from '@herald/contracts';
import { AuditTrail, Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { ScheduleRepository } from './schedules/schedule.repository';
import { SchedulePlanner } from './schedules/planner';
import { SchedulesController } from './schedules/schedules.controller';
import { SchedulesHandler } from './schedules/schedules.handler';
import { SchedulesService } from './schedules/schedules.service';
import { JobRunner } from './runner/job-runner';
import { SchedulerPurge } from './retention/purge';

/**
 * Scheduler: alerts sent later, on a recurrence (RRULE in a time zone), with validity windows and reminders.
 * Owns schedules and their timed jobs; fires each occurrence once however many replicas run.
 */
@Module({})
export class SchedulerModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [ScheduleModule.forRoot()],
      controllers: [SchedulesController, SchedulesHandler],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: ScheduleRepository, useFactory: async () => ScheduleRepository.open(await infra.store('scheduler')) },
        AuditTrail,
        SchedulePlanner,
        SchedulesService,
        SchedulerPurge,
        JobRunner,
      ],
    };
  }
}

export const schedulerService: ServiceDefinition = { name: 'scheduler', contracts: [CreateSchedule, UpdateScheduleContent, CancelSchedule, ExpiryRequested], module: (infra) => SchedulerModule.register(infra) };
