import 'reflect-metadata';
import { DISTRIBUTED_DEFAULTS, runProcess } from '@herald/runtime';
import { auditService } from './audit.module';

void runProcess('audit', [auditService], DISTRIBUTED_DEFAULTS);
