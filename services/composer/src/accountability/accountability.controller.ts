import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { AlertIdParam } from '../alerts/alert.dto';
import { AccountabilityService } from './accountability.service';
import { streamSummary } from './summary-stream';

@Controller('api/alerts')
export class AccountabilityController {
  constructor(private readonly accountability: AccountabilityService) {}

  @Get(':id/summary')
  summary(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string) {
    return this.accountability.summary(p, id);
  }

  /** Server-sent events: a `summary` event at once and whenever it changes (checked every SUMMARY_REFRESH_MS). */
  @Get(':id/summary/stream')
  async stream(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string, @Res() res: ServerResponse): Promise<void> {
    const alert = await this.accountability.readable(p, id);
    streamSummary(res, () => this.accountability.build(alert), this.accountability.refreshMs);
  }

  @Post(':id/all-clear')
  @HttpCode(202)
  allClear(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AlertIdParam, 'id')) id: string) {
    return this.accountability.allClear(p, id);
  }
}
