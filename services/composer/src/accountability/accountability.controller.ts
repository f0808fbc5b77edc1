import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { AlertIdParam } from '../alerts/alert.dto';
import { AccountabilityService } from './accountability.service';
import { SummaryFeeds } from './summary-feeds';
import { streamSummary } from './summary-stream';

@Controller('api/alerts')
export class AccountabilityController {
  constructor(private readonly accountability: AccountabilityService, private readonly feeds: SummaryFeeds) {}

  @Get(':id/summary')
  summary(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string) {
    return this.accountability.summary(p, id);
  }

  /** Server-sent events: a `summary` event at once and whenever it changes (checked every SUMMARY_REFRESH_MS, once for all viewers of the alert). */
  @Get(':id/summary/stream')
  async stream(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string, @Res() res: ServerResponse): Promise<void> {
    const alert = await this.accountability.readable(p, id);
    streamSummary(res, (viewer) => this.feeds.watch(alert, viewer));
  }

  @Post(':id/all-clear')
  @HttpCode(202)
  allClear(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string) {
    return this.accountability.allClear(p, id);
  }
}
