import { Injectable } from '@nestjs/common';
import { Principal } from '@herald/auth';
import { ChainFilter, ChainRepository } from '../chain/chain.repository';
import { AuditDoc } from '../chain/record';
import { AuditAccess } from '../entries/audit-access';
import { BOM, csvRow } from './csv';
import { ExportQuery } from './export.dto';

/** A response body produced page by page, and what is known once it has been sent. */
export interface ExportStream {
  contentType: string;
  filename: string;
  chunks: AsyncIterable<string>;
  /** After `chunks` is drained: rows sent and the cursor to resume from (null when the export is complete). */
  result(): { rows: number; nextCursor: string | null };
}

const CSV_COLUMNS = ['cursor', 'seq', 'at', 'actor', 'action', 'subject', 'alertId', 'correlationId', 'entryId', 'details', 'prevHash', 'hash'] as const;
const PAGE = 1_000;

/** Streams the audit chain as CSV, NDJSON or JSON: one store page in memory at a time, resumable by cursor. */
@Injectable()
export class ExportService {
  constructor(private readonly repo: ChainRepository, private readonly access: AuditAccess) {}

  async export(p: Principal, q: ExportQuery): Promise<ExportStream> {
    const { format, bom, limit, cursor, ...where } = q;
    await this.access.require(p, 'exporting the audit trail', { format, ...where });
    await this.access.record(p, 'audit.exported', { format, cursor: cursor ?? null, limit: limit ?? null, ...where }, where.alertId);
    const state = { rows: 0, nextCursor: null as string | null };
    const docs = this.rows({ after: cursor, ...where }, limit, state);
    return {
      contentType: { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8', json: 'application/json; charset=utf-8' }[format],
      filename: `herald-audit-${where.alertId ?? 'all'}.${format}`,
      chunks: this.encode(format, bom, docs, state),
      result: () => state,
    };
  }

  /** Records in chain order up to `limit`; sets `nextCursor` when the limit cut the export short. */
  private async *rows(filter: ChainFilter, limit: number | undefined, state: { rows: number; nextCursor: string | null }): AsyncGenerator<AuditDoc[]> {
    const max = limit ?? Number.POSITIVE_INFINITY;
    for await (const page of this.repo.scan(filter, Math.min(PAGE, max))) {
      const take = page.slice(0, max - state.rows);
      state.rows += take.length;
      yield take;
      if (state.rows >= max) {
        state.nextCursor = take[take.length - 1]._id;
        return;
      }
    }
  }

  private async *encode(format: ExportQuery['format'], bom: boolean, pages: AsyncIterable<AuditDoc[]>, state: { nextCursor: string | null }): AsyncGenerator<string> {
    if (bom) yield BOM;
    if (format === 'csv') {
      yield csvRow([...CSV_COLUMNS]);
      for await (const page of pages) yield page.map((d) => csvRow(CSV_COLUMNS.map((c) => (c === 'cursor' ? d._id : d[c])))).join('');
      return;
    }
    if (format === 'ndjson') {
      for await (const page of pages) yield page.map((d) => `${JSON.stringify(view(d))}\n`).join('');
      yield `${JSON.stringify({ end: true, nextCursor: state.nextCursor })}\n`;
      return;
    }
    yield '{"entries":[';
    let first = true;
    for await (const page of pages) {
      if (!page.length) continue;
      yield (first ? '' : ',') + page.map((d) => JSON.stringify(view(d))).join(',');
      first = false;
    }
    yield `],"nextCursor":${JSON.stringify(state.nextCursor)}}`;
  }
}

/** The exported form of a record: the public fields plus its cursor. */
function view(d: AuditDoc): Record<string, unknown> {
  const { _id, entryId, ...rest } = d;
  return { cursor: _id, id: entryId, ...rest };
}
