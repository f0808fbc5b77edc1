import type { ServerResponse } from 'node:http';
import { FeedUpdate } from './summary-feeds';

const KEEP_ALIVE_MS = 15_000;

/**
 * Writes a live summary feed as server-sent events: a `summary` event at once and every time it changes, an `error`
 * event when a read failed (the feed retries on its next tick, so a short bus hiccup does not end the board), and
 * a comment line every 15 s so proxies keep the connection open. `watch` subscribes to the feed and returns the
 * unsubscribe, called when the client goes away.
 */
export function streamSummary(res: ServerResponse, watch: (viewer: (update: FeedUpdate) => void) => () => void): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  let last = '';
  let closed = false;
  const stop = watch((update) => {
    if (closed) return;
    if ('error' in update) return void res.write(`event: error\ndata: ${JSON.stringify({ message: update.error })}\n\n`);
    if (update.json !== last) res.write(`event: summary\ndata: ${update.json}\n\n`);
    last = update.json;
  });
  const beat = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  res.on('close', () => {
    closed = true;
    clearInterval(beat);
    stop();
  });
}
