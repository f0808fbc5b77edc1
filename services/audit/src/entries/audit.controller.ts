import { Controller, Get, Query } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { AuditRecorded } from '@herald/contracts';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { CURSOR } from '../chain/record';
import { AuditService } from './audit.service';

export const AlertIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'malformed alert id');
export const CursorParam = z.string().regex(CURSOR, 'malformed cursor (use the nextCursor of a previous page)');

const AuditQuery = z.object({
  alertId: AlertIdParam.optional(),
  cursor: CursorParam.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  query(@CurrentPrincipal() p: Principal, @Query(new ZodPipe(AuditQuery, 'query')) q: z.infer<typeof AuditQuery>) {
    return this.audit.query(p, q);
  }

  @Get('verify')
  verify(@CurrentPrincipal() p: Principal) {
    return this.audit.verify(p);
  }

  @EventPattern(AuditRecorded.key)
  async recorded(@Payload() msg: z.infer<typeof AuditRecorded.schema>): Promise<void> {
    await this.audit.append(msg.entries);
  }
}
