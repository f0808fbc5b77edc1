import { DynamicModule, Module } from '@nestjs/common';
import { DeliveryReceipts, DispatchRequested, EmergencyDispatchRequested, ExpiryDue, ListDeliveries, PendingAlerts, SnoozeDelivery, RecallRequested, ReminderDue } from '@herald/contracts';
import { AuditTrail, Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { DispatchHandler } from './dispatch/dispatch.handler';
import { DispatchService } from './dispatch/dispatch.service';
import { DeliveriesHandler } from './deliveries/deliveries.handler';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryRepository } from './deliveries/delivery.repository';
import { LateJoinService } from './late-join/late-join.service';
import { PresenceTargetRepository } from './late-join/presence-target.repository';
import { LifecycleHandler } from './lifecycle/lifecycle.handler';
import { LifecycleService } from './lifecycle/lifecycle.service';

/** Delivery: expands audiences into deliveries, fans out to gateways, tracks each recipient's state, recalls, expires and reminds. */
@Module({})
export class DeliveryModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: DeliveryModule,
      controllers: [DispatchHandler, DeliveriesHandler, LifecycleHandler],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: DeliveryRepository, useFactory: async () => DeliveryRepository.open(await infra.store('delivery')) },
        { provide: PresenceTargetRepository, useFactory: async () => PresenceTargetRepository.open(await infra.store('delivery')) },
        AuditTrail,
        DispatchService,
        DeliveriesService,
        LateJoinService,
        LifecycleService,
      ],
    };
  }
}

export const deliveryService: ServiceDefinition = {
  name: 'delivery',
  contracts: [DispatchRequested, EmergencyDispatchRequested, DeliveryReceipts, PendingAlerts, ListDeliveries, SnoozeDelivery, RecallRequested, ExpiryDue, ReminderDue],
  module: (infra) => DeliveryModule.register(infra),
};
