import { DynamicModule, Module } from '@nestjs/common';
import { DeliveryReceipts, DispatchRequested, ListDeliveries, PendingAlerts } from '@herald/contracts';
import { AuditTrail, Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { DispatchHandler } from './dispatch/dispatch.handler';
import { DispatchService } from './dispatch/dispatch.service';
import { DeliveriesHandler } from './deliveries/deliveries.handler';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryRepository } from './deliveries/delivery.repository';

/** Delivery: expands audiences into deliveries, fans out to gateways, tracks each recipient's state. */
@Module({})
export class DeliveryModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: DeliveryModule,
      controllers: [DispatchHandler, DeliveriesHandler],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: DeliveryRepository, useFactory: async () => DeliveryRepository.open(await infra.store('delivery')) },
        AuditTrail,
        DispatchService,
        DeliveriesService,
      ],
    };
  }
}

export const deliveryService: ServiceDefinition = {
  name: 'delivery',
  contracts: [DispatchRequested, DeliveryReceipts, PendingAlerts, ListDeliveries],
  module: (infra) => DeliveryModule.register(infra),
};
