import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { DispatchRequested, EmergencyDispatchRequested } from '@herald/contracts';
import { MessageContext } from '@herald/messaging';
import { DispatchService } from './dispatch.service';

@Controller()
export class DispatchHandler {
  constructor(private readonly dispatcher: DispatchService) {}

  @EventPattern(DispatchRequested.key)
  dispatch(@Payload() d: z.infer<typeof DispatchRequested.schema>, @Ctx() ctx: MessageContext): Promise<void> {
    return this.dispatcher.dispatch(d, ctx.correlationId);
  }

  /** Same work, own queue: an emergency never waits behind ordinary dispatches. */
  @EventPattern(EmergencyDispatchRequested.key)
  dispatchEmergency(@Payload() d: z.infer<typeof EmergencyDispatchRequested.schema>, @Ctx() ctx: MessageContext): Promise<void> {
    return this.dispatcher.dispatch(d, ctx.correlationId);
  }
}
