import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { AlertIdParam } from '../entries/audit.controller';
import { BOM } from '../export/csv';
import { reportCsv, reportHtml } from './report.render';
import { ReportService } from './report.service';

const ReportQuery = z.object({
  format: z.enum(['csv', 'html', 'json']).default('html'),
  aggregate: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  bom: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

@Controller('api/audit/alerts')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get(':alertId/report')
  async report(@CurrentPrincipal() p: Principal, @Param('alertId', new ZodPipe(AlertIdParam, 'alertId')) alertId: string, @Query(new ZodPipe(ReportQuery, 'query')) q: z.infer<typeof ReportQuery>, @Res() res: ServerResponse): Promise<void> {
    const r = await this.reports.report(p, alertId, q);
    const [type, body] = q.format === 'csv' ? ['text/csv; charset=utf-8', (q.bom ? BOM : '') + reportCsv(r)] : q.format === 'html' ? ['text/html; charset=utf-8', reportHtml(r)] : ['application/json; charset=utf-8', JSON.stringify(r)];
    res.statusCode = 200;
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-store');
    if (q.format === 'csv') res.setHeader('Content-Disposition', `attachment; filename="herald-alert-${alertId}.csv"`);
    res.end(body);
  }
}
