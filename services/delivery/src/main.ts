import 'reflect-metadata';
import { DISTRIBUTED_DEFAULTS, runProcess } from '@herald/runtime';
import { deliveryService } from './delivery.module';

void runProcess('delivery', [deliveryService], DISTRIBUTED_DEFAULTS);
