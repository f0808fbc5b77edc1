import { ServiceDefinition } from '@herald/runtime';
import { composerService } from '../../composer/src/composer.module';
import { directoryService } from '../../directory/src/directory.module';
import { schedulerService } from '../../scheduler/src/scheduler.module';
import { deliveryService } from '../../delivery/src/delivery.module';
import { gatewayService } from '../../gateway/src/gateway.module';
import { auditService } from '../../audit/src/audit.module';

/** Every service, in the order single-node mode boots them. (Single-node is the one place that knows them all.) */
export const ALL_SERVICES: ServiceDefinition[] = [directoryService, deliveryService, auditService, schedulerService, composerService, gatewayService];
