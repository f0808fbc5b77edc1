import { Controller, Get, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { ExportQuery } from './export.dto';
import { ExportService } from './export.service';
import { sendStream } from './send-stream';

@Controller('api/audit/export')
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  @Get()
  async export(@CurrentPrincipal() p: Principal, @Query(new ZodPipe(ExportQuery, 'query')) q: ExportQuery, @Res() res: ServerResponse): Promise<void> {
    await sendStream(res, await this.exports.export(p, q));
  }
}
