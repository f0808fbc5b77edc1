import 'reflect-metadata';
import { DISTRIBUTED_DEFAULTS, runProcess } from '@herald/runtime';
import { directoryService } from './directory.module';

void runProcess('directory', [directoryService], DISTRIBUTED_DEFAULTS);
