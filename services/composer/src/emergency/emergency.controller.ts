import { Body, Controller, Headers, Ip, Param, Post, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { bearer, CurrentPrincipal, Principal, Public } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { TemplateIdParam } from '../templates/template.dto';
import { FireRequest } from './emergency.dto';
import { Fired, EmergencyService } from './emergency.service';
import { parseIdempotencyKey, REPLAYED_HEADER } from './idempotency-key';

/**
 * A firing answers 202 (accepted, going out now); a request repeating an earlier one's Idempotency-Key answers 200
 * with the same alert and `Idempotent-Replayed: true`, and fires nothing.
 */
function answer(res: ServerResponse, { alert, replayed }: Fired): void {
  res.writeHead(replayed ? 200 : 202, { 'content-type': 'application/json; charset=utf-8', ...(replayed ? { [REPLAYED_HEADER]: 'true' } : {}) });
  res.end(JSON.stringify(alert));
}

@Controller('api/emergency')
export class EmergencyController {
  constructor(private readonly emergency: EmergencyService) {}

  @Post()
  async fire(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(FireRequest)) body: FireRequest, @Headers('idempotency-key') key: string | undefined, @Res() res: ServerResponse): Promise<void> {
    answer(res, await this.emergency.fire(p, body.templateId, body.overrides, { idempotencyKey: parseIdempotencyKey(key) }));
  }

  /** Public to the JWT guard on purpose: the service checks the webhook's own token. The body is ignored (the template is pre-approved). */
  @Public()
  @Post('webhook/:templateId')
  async webhook(
    @Headers('authorization') auth: string | undefined,
    @Param('templateId', new ZodPipe(TemplateIdParam, 'templateId')) templateId: string,
    @Headers('idempotency-key') key: string | undefined,
    @Ip() ip: string,
    @Res() res: ServerResponse,
  ): Promise<void> {
    answer(res, await this.emergency.fireFromWebhook(bearer(auth), templateId, ip, parseIdempotencyKey(key)));
  }
}
