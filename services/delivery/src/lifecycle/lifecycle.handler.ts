import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { ExpiryDue, RecallRequested, ReminderDue } from '@herald/contracts';
import { MessageContext } from '@herald/messaging';
import { LifecycleService } from './lifecycle.service';

@Controller()
export class LifecycleHandler {
  constructor(private readonly lifecycle: LifecycleService) {}

  @EventPattern(RecallRequested.key)
  recall(@Payload() m: z.infer<typeof RecallRequested.schema>, @Ctx() ctx: MessageContext): Promise<void> {
    return this.lifecycle.recall(m.alertId, m.requestedBy, ctx.correlationId);
  }

  @EventPattern(ExpiryDue.key)
  expire(@Payload() m: z.infer<typeof ExpiryDue.schema>, @Ctx() ctx: MessageContext): Promise<void> {
    return this.lifecycle.expire(m.alertId, m.occurrenceId, ctx.correlationId);
  }

  @EventPattern(ReminderDue.key)
  remind(@Payload() m: z.infer<typeof ReminderDue.schema>, @Ctx() ctx: MessageContext): Promise<void> {
    return this.lifecycle.remind(m.alertId, m.occurrenceId, m.n, ctx.correlationId);
  }
}
