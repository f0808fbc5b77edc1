import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { DoNotDisturbView, GetDoNotDisturb, SetDoNotDisturb } from '@herald/contracts';
import { DoNotDisturbService } from './do-not-disturb.service';

/** A recipient's own settings, asked by the composer for `GET/PUT /api/me/do-not-disturb`. */
@Controller()
export class DoNotDisturbHandler {
  constructor(private readonly dnd: DoNotDisturbService) {}

  @MessagePattern(GetDoNotDisturb.key)
  get(@Payload() req: z.infer<typeof GetDoNotDisturb.request>): Promise<DoNotDisturbView> {
    return this.dnd.get(req.userId);
  }

  @MessagePattern(SetDoNotDisturb.key)
  set(@Payload() req: z.infer<typeof SetDoNotDisturb.request>): Promise<DoNotDisturbView> {
    return this.dnd.set(req.userId, req.settings);
  }
}
