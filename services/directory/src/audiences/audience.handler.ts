import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ResolveAudience } from '@herald/contracts';
import { z } from 'zod';
import { AudienceService, ResolvedAudience } from './audience.service';

@Controller()
export class AudienceHandler {
  constructor(private readonly audiences: AudienceService) {}

  @MessagePattern(ResolveAudience.key)
  resolve(@Payload() req: z.infer<typeof ResolveAudience.request>): Promise<ResolvedAudience> {
    return this.audiences.resolve(req.audience);
  }
}
