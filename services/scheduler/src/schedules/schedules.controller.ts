import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ScheduleSpec, ScheduleSpecSchema } from '@herald/contracts';
import { ZodPipe } from '@herald/runtime';
import { ScheduleIdParam, UpcomingQuery } from './schedule.dto';
import { SchedulesService } from './schedules.service';

/** Admin view of schedules. Schedules are created by sending an alert with timing (POST /api/alerts/:id/send). */
@Controller('api/schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.schedules.list(p);
  }

  @Get('upcoming')
  upcoming(@CurrentPrincipal() p: Principal, @Query(new ZodPipe(UpcomingQuery, 'query')) q: UpcomingQuery) {
    return this.schedules.upcoming(p, q);
  }

  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(ScheduleIdParam, 'id')) id: string) {
    return this.schedules.get(p, id);
  }

  @Patch(':id')
  edit(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(ScheduleIdParam, 'id')) id: string, @Body(new ZodPipe(ScheduleSpecSchema)) spec: ScheduleSpec) {
    return this.schedules.edit(p, id, spec);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(ScheduleIdParam, 'id')) id: string) {
    return this.schedules.pause(p, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(ScheduleIdParam, 'id')) id: string) {
    return this.schedules.resume(p, id);
  }

  @Delete(':id')
  cancel(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(ScheduleIdParam, 'id')) id: string) {
    return this.schedules.cancel(p, id);
  }
}
