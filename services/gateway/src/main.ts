import 'reflect-metadata';
import { DISTRIBUTED_DEFAULTS, runProcess } from '@herald/runtime';
import { gatewayService } from './gateway.module';

void runProcess('gateway', [gatewayService], DISTRIBUTED_DEFAULTS);
