import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { RetentionService } from './retention.service';

const PurgeQuery = z.object({ dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') });

@Controller('api/audit/purge')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Post()
  @HttpCode(200)
  purge(@CurrentPrincipal() p: Principal, @Query(new ZodPipe(PurgeQuery, 'query')) q: z.infer<typeof PurgeQuery>) {
    return this.retention.purge(p, q.dryRun);
  }
}
