import 'reflect-metadata';
import { DISTRIBUTED_DEFAULTS, runProcess } from '@herald/runtime';
import { schedulerService } from './scheduler.module';

void runProcess('scheduler', [schedulerService], DISTRIBUTED_DEFAULTS);
