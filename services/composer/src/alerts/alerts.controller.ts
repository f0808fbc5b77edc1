import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { AlertIdParam, CreateAlertRequest, EditAlertRequest, RecentAlertsQuery, SendOptions } from './alert.dto';
import { AlertEditor } from './alert-editor';
import { AlertsService } from './alerts.service';
import { RecentAlerts } from './recent-alerts';

@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService, private readonly editor: AlertEditor, private readonly recent: RecentAlerts) {}

  @Post()
  create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(CreateAlertRequest)) body: CreateAlertRequest) {
    return this.alerts.create(p, body);
  }

  /** Alerts that went out, newest first, as far as the caller may read them (the crisis board's picker). */
  @Get()
  list(@CurrentPrincipal() p: Principal, @Query(new ZodPipe(RecentAlertsQuery, 'query')) q: RecentAlertsQuery) {
    return this.recent.list(p, q);
  }

  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string) {
    return this.alerts.get(p, id);
  }

  /** Content of a draft, or of the occurrences of a scheduled alert that have not fired yet. */
  @Patch(':id')
  edit(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string, @Body(new ZodPipe(EditAlertRequest)) patch: EditAlertRequest) {
    return this.editor.edit(p, id, patch);
  }

  @Post(':id/send')
  @HttpCode(202)
  send(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string, @Body(new ZodPipe(SendOptions)) options: SendOptions) {
    return this.alerts.send(p, id, options);
  }

  @Post(':id/recall')
  @HttpCode(202)
  recall(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string) {
    return this.alerts.recall(p, id);
  }

  @Get(':id/deliveries')
  deliveries(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string) {
    return this.alerts.deliveries(p, id);
  }
}
