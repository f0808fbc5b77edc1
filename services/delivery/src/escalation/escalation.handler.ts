import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { EscalationDue } from '@herald/contracts';
import { MessageContext } from '@herald/messaging';
import { EscalationService } from './escalation.service';

@Controller()
export class EscalationHandler {
  constructor(private readonly escalation: EscalationService) {}

  @EventPattern(EscalationDue.key)
  escalate(@Payload() m: z.infer<typeof EscalationDue.schema>, @Ctx() ctx: MessageContext): Promise<void> {
    return this.escalation.escalate(m.alertId, m.occurrenceId, m.policy, ctx.correlationId);
  }
}
