import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { PresenceReported } from '@herald/contracts';
import { PresenceService } from './presence.service';

@Controller()
export class PresenceHandler {
  constructor(private readonly presence: PresenceService) {}

  @EventPattern(PresenceReported.key)
  reported(@Payload() msg: z.infer<typeof PresenceReported.schema>): Promise<void> {
    return this.presence.record(msg.reports);
  }
}
