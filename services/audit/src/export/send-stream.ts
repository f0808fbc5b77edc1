import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { ExportStream } from './export.service';

/**
 * Writes an export to the HTTP response with back-pressure (a slow client slows the store reads, memory stays
 * flat). The cursor to resume from travels as the HTTP trailer `X-Next-Cursor` (and inside NDJSON/JSON bodies).
 */
export async function sendStream(res: ServerResponse, out: ExportStream): Promise<void> {
  res.statusCode = 200;
  res.setHeader('Content-Type', out.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${out.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Trailer', 'X-Next-Cursor, X-Row-Count');
  try {
    for await (const chunk of out.chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    const { rows, nextCursor } = out.result();
    res.addTrailers({ 'X-Next-Cursor': nextCursor ?? '', 'X-Row-Count': String(rows) });
    res.end();
  } catch (err) {
    // Headers are gone: the only honest signal left is an aborted response the client sees as incomplete.
    res.destroy(err as Error);
  }
}
