import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { CancelSchedule, CreateSchedule, ExpiryRequested, ScheduleView, UpdateScheduleContent } from '@herald/contracts';
import { SchedulesService } from './schedules.service';

/** Requests from the composer over the bus. */
@Controller()
export class SchedulesHandler {
  constructor(private readonly schedules: SchedulesService) {}

  @MessagePattern(CreateSchedule.key)
  create(@Payload() req: z.infer<typeof CreateSchedule.request>): Promise<ScheduleView> {
    return this.schedules.create(req);
  }

  @MessagePattern(UpdateScheduleContent.key)
  updateContent(@Payload() req: z.infer<typeof UpdateScheduleContent.request>): Promise<ScheduleView> {
    return this.schedules.updateContent(req);
  }

  @MessagePattern(CancelSchedule.key)
  cancel(@Payload() req: z.infer<typeof CancelSchedule.request>): Promise<{ cancelledJobs: number }> {
    return this.schedules.cancelForRecall(req.alertId, req.requestedBy);
  }

  @EventPattern(ExpiryRequested.key)
  expiry(@Payload() m: z.infer<typeof ExpiryRequested.schema>): Promise<void> {
    return this.schedules.trackSent(m);
  }
}
