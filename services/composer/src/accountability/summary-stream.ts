import type { ServerResponse } from 'node:http';
import { AlertSummary } from './summarize';

/**
 * Writes a summary as server-sent events: once at once, then every time it changes (polled every `everyMs`), with
 * a comment line every 15 s so proxies keep the connection open. Stops when the client goes away. A failed read
 * is reported as an `error` event and retried on the next tick, so a short bus hiccup does not end the board.
 */
export function streamSummary(res: ServerResponse, read: () => Promise<AlertSummary>, everyMs: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  let last = '';
  let busy = false;
  let closed = false;
  let sinceBeat = 0;
  const tick = async () => {
    if (busy || closed) return;
    busy = true;
    try {
      const json = JSON.stringify(await read());
      if (json !== last && !closed) res.write(`event: summary\ndata: ${json}\n\n`);
      last = json;
    } catch (err) {
      if (!closed) res.write(`event: error\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`);
    } finally {
      busy = false;
    }
    sinceBeat += everyMs;
    if (sinceBeat >= 15_000 && !closed) {
      sinceBeat = 0;
      res.write(': keep-alive\n\n');
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  res.on('close', () => {
    closed = true;
    clearInterval(timer);
  });
  void tick();
}
