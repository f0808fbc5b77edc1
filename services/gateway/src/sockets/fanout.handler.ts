import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { AlertFanout, EmergencyFanout } from '@herald/contracts';
import { GatewayService } from './gateway.service';

@Controller()
export class FanoutHandler {
  constructor(private readonly gateway: GatewayService) {}

  @EventPattern(AlertFanout.key)
  fanout(@Payload() msg: z.infer<typeof AlertFanout.schema>): Promise<void> {
    return this.gateway.fanout(msg.alert, msg.recipients);
  }

  /** Emergencies arrive on their own queue, so a large broadcast's chunks never hold them back. */
  @EventPattern(EmergencyFanout.key)
  emergency(@Payload() msg: z.infer<typeof EmergencyFanout.schema>): Promise<void> {
    return this.gateway.fanout(msg.alert, msg.recipients);
  }
}
