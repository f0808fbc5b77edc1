import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AdmitToAudiences, ResolveAudience } from '@herald/contracts';
import { z } from 'zod';
import { AudienceService, ResolvedAudience } from './audience.service';

@Controller()
export class AudienceHandler {
  constructor(private readonly audiences: AudienceService) {}

  @MessagePattern(ResolveAudience.key)
  resolve(@Payload() req: z.infer<typeof ResolveAudience.request>): Promise<ResolvedAudience> {
    return this.audiences.resolve(req.audience);
  }

  @MessagePattern(AdmitToAudiences.key)
  async admit(@Payload() req: z.infer<typeof AdmitToAudiences.request>): Promise<{ admitted: string[] }> {
    return { admitted: await this.audiences.admit(req.userId, req.presence, req.audiences) };
  }
}
