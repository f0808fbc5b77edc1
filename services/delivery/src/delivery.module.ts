import { DynamicModule, Module } from '@nestjs/common';
import { DeliveryReceipts, DispatchRequested, EmergencyDispatchRequested, ExpiryDue, GetDoNotDisturb, ListDeliveries, PendingAlerts, SnoozeDelivery, RecallRequested, ReminderDue, SetDoNotDisturb } from '@herald/contracts';
import { AuditTrail, Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { DispatchHandler } from './dispatch/dispatch.handler';
import { DispatchService } from './dispatch/dispatch.service';
import { DeliveriesHandler } from './deliveries/deliveries.handler';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryRepository } from './deliveries/delivery.repository';
import { LifecycleHandler } from './lifecycle/lifecycle.handler';
import { LifecycleService } from './lifecycle/lifecycle.service';
import { DoNotDisturbHandler } from './do-not-disturb/do-not-disturb.handler';
import { DoNotDisturbRepository } from './do-not-disturb/do-not-disturb.repository';
import { DoNotDisturbService } from './do-not-disturb/do-not-disturb.service';
import { HoldReleaser } from './do-not-disturb/hold-releaser';

/** Delivery: expands audiences into deliveries, fans out to gateways, tracks each recipient's state, recalls, expires and reminds, holds alerts during a recipient's do-not-disturb. */
@Module({})
export class DeliveryModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: DeliveryModule,
      controllers: [DispatchHandler, DeliveriesHandler, LifecycleHandler, DoNotDisturbHandler],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: DeliveryRepository, useFactory: async () => DeliveryRepository.open(await infra.store('delivery')) },
        { provide: DoNotDisturbRepository, useFactory: async () => DoNotDisturbRepository.open(await infra.store('delivery')) },
        AuditTrail,
        DoNotDisturbService,
        HoldReleaser,
        DispatchService,
        DeliveriesService,
        LifecycleService,
      ],
    };
  }
}

export const deliveryService: ServiceDefinition = {
  name: 'delivery',
  contracts: [DispatchRequested, EmergencyDispatchRequested, DeliveryReceipts, PendingAlerts, ListDeliveries, SnoozeDelivery, GetDoNotDisturb, SetDoNotDisturb, RecallRequested, ExpiryDue, ReminderDue],
  module: (infra) => DeliveryModule.register(infra),
};
