import { Body, Controller, Headers, HttpCode, Ip, Param, Post } from '@nestjs/common';
import { bearer, CurrentPrincipal, Principal, Public } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { TemplateIdParam } from '../templates/template.dto';
import { FireRequest } from './emergency.dto';
import { EmergencyService } from './emergency.service';

@Controller('api/emergency')
export class EmergencyController {
  constructor(private readonly emergency: EmergencyService) {}

  @Post()
  @HttpCode(202)
  fire(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(FireRequest)) body: FireRequest) {
    return this.emergency.fire(p, body.templateId, body.overrides);
  }

  /** Public to the JWT guard on purpose: the service checks the webhook's own token. The body is ignored (the template is pre-approved). */
  @Public()
  @Post('webhook/:templateId')
  @HttpCode(202)
  webhook(@Headers('authorization') auth: string | undefined, @Param('templateId', new ZodPipe(TemplateIdParam, 'templateId')) templateId: string, @Ip() ip: string) {
    return this.emergency.fireFromWebhook(bearer(auth), templateId, ip);
  }
}
