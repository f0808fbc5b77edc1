import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { ClientAlert, DeliveryReceipts, DeliveryView, ListDeliveries, PendingAlerts, SnoozeDelivery } from '@herald/contracts';
import { DeliveriesService } from './deliveries.service';

@Controller()
export class DeliveriesHandler {
  constructor(private readonly deliveries: DeliveriesService) {}

  @EventPattern(DeliveryReceipts.key)
  receipts(@Payload() msg: z.infer<typeof DeliveryReceipts.schema>): Promise<void> {
    return this.deliveries.applyReceipts(msg.receipts);
  }

  @MessagePattern(PendingAlerts.key)
  async pending(@Payload() req: z.infer<typeof PendingAlerts.request>): Promise<{ alerts: ClientAlert[] }> {
    return { alerts: await this.deliveries.pendingFor(req.userId, req.presence) };
  }

  @MessagePattern(SnoozeDelivery.key)
  snooze(@Payload() req: z.infer<typeof SnoozeDelivery.request>): Promise<{ snoozedUntil: string }> {
    return this.deliveries.snooze(req.userId, req.occurrenceId, req.minutes);
  }

  @MessagePattern(ListDeliveries.key)
  async list(@Payload() req: z.infer<typeof ListDeliveries.request>): Promise<{ deliveries: DeliveryView[] }> {
    return { deliveries: await this.deliveries.list(req.alertId) };
  }
}
