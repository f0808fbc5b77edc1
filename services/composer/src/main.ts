import 'reflect-metadata';
import { DISTRIBUTED_DEFAULTS, runProcess } from '@herald/runtime';
import { composerService } from './composer.module';

void runProcess('composer', [composerService], DISTRIBUTED_DEFAULTS);
