import { DynamicModule, Module } from '@nestjs/common';
import { DeliveryReceipts, DispatchRequested, EmergencyDispatchRequested, EscalationDue, ExpiryDue, GetDoNotDisturb, ListDeliveries, PendingAlerts, SnoozeDelivery, RecallRequested, ReminderDue, SetDoNotDisturb } from '@herald/contracts';
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
import { EscalationHandler } from './escalation/escalation.handler';
import { EscalationService } from './escalation/escalation.service';
import { EscalationRepository } from './escalation/escalation.repository';
import { MAILER, smtpMailerFrom } from './escalation/mailer';
import { DoNotDisturbHandler } from './do-not-disturb/do-not-disturb.handler';
import { DoNotDisturbRepository } from './do-not-disturb/do-not-disturb.repository';
import { DoNotDisturbService } from './do-not-disturb/do-not-disturb.service';
import { HoldReleaser } from './do-not-disturb/hold-releaser';

/** Delivery: expands audiences into deliveries, fans out to gateways, tracks each recipient's state, recalls, expires, reminds and escalates, holds alerts during a recipient's do-not-disturb. */
@Module({})
export class DeliveryModule {
  static register(infra: Infra): DynamicModule {
    return {
      module: DeliveryModule,
      controllers: [DispatchHandler, DeliveriesHandler, LifecycleHandler, EscalationHandler, DoNotDisturbHandler],
      providers: [
        { provide: INFRA, useValue: infra },
        { provide: DeliveryRepository, useFactory: async () => DeliveryRepository.open(await infra.store('delivery')) },
        { provide: EscalationRepository, useFactory: async () => EscalationRepository.open(await infra.store('delivery')) },
        { provide: MAILER, useFactory: () => smtpMailerFrom(infra.env) },
        { provide: DoNotDisturbRepository, useFactory: async () => DoNotDisturbRepository.open(await infra.store('delivery')) },
        { provide: PresenceTargetRepository, useFactory: async () => PresenceTargetRepository.open(await infra.store('delivery')) },
        AuditTrail,
        DoNotDisturbService,
        HoldReleaser,
        DispatchService,
        DeliveriesService,
        LateJoinService,
        LifecycleService,
        EscalationService,
      ],
    };
  }
}

export const deliveryService: ServiceDefinition = {
  name: 'delivery',
  contracts: [DispatchRequested, EmergencyDispatchRequested, DeliveryReceipts, PendingAlerts, ListDeliveries, SnoozeDelivery, GetDoNotDisturb, SetDoNotDisturb, RecallRequested, ExpiryDue, ReminderDue, EscalationDue],
  module: (infra) => DeliveryModule.register(infra),
};
