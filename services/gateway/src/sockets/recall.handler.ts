import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { AlertRecalled } from '@herald/contracts';
import { GatewayService } from './gateway.service';

@Controller()
export class RecallHandler {
  constructor(private readonly gateway: GatewayService) {}

  @EventPattern(AlertRecalled.key)
  recall(@Payload() msg: z.infer<typeof AlertRecalled.schema>): void {
    this.gateway.recall({ alertId: msg.alertId, occurrenceId: msg.occurrenceId }, msg.recipients);
  }
}
