import { SseParser } from './sse';
import type { BoardSummary } from './summary';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';
/** Why a stream stopped for good: the server refused the reader, knows no such alert, or the session is over. */
export type StreamEnd = { reason: 'forbidden' | 'not-found' | 'signed-out'; message?: string };

export interface StreamHandlers {
  summary(summary: BoardSummary): void;
  status(status: StreamStatus): void;
  end(end: StreamEnd): void;
}

/** The token source the stream shares with the rest of the page (a LiveSession). */
export interface TokenSource {
  token(): string;
  refresh(): Promise<string | undefined>;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;
/** The server writes a keep-alive comment every 15 s: this long without a byte means a dead connection. */
const SILENCE_MS = 40_000;

/**
 * The live summary of one alert, read from `GET /api/alerts/:id/summary/stream` with fetch() so the bearer token
 * goes in the Authorization header (EventSource cannot send one, and a token in the URL would end up in logs).
 * Reconnects with exponential back-off and jitter; a 401 gets a fresh token once (through the page's one
 * refresher), a 403 or 404 ends it.
 */
export class SummaryStream {
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly alertId: string, private readonly auth: TokenSource, private readonly on: StreamHandlers) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private async run(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    let attempt = 0;
    let retriedAuth = false;
    while (!this.stopped) {
      this.on.status(attempt++ ? 'reconnecting' : 'connecting');
      const used = this.auth.token();
      try {
        const res = await fetch(`/api/alerts/${encodeURIComponent(this.alertId)}/summary/stream`, { headers: { authorization: `Bearer ${used}`, accept: 'text/event-stream' }, cache: 'no-store', signal: this.abort.signal });
        if (res.status === 401 && !retriedAuth) {
          retriedAuth = true;
          // Someone else on the page may have refreshed meanwhile: their token is as good.
          if (this.auth.token() !== used || (await this.auth.refresh())) continue;
        }
        if (res.status === 401) return this.finish({ reason: 'signed-out' });
        if (res.status === 403 || res.status === 404) return this.finish({ reason: res.status === 403 ? 'forbidden' : 'not-found', message: await messageOf(res) });
        if (res.ok && res.body) {
          retriedAuth = false;
          await this.read(res.body, () => {
            delay = FIRST_RETRY_MS;
            this.on.status('live');
          });
        } else await res.body?.cancel().catch(() => undefined); // a 5xx while Herald restarts: free the connection, retry
      } catch {
        /* network error or dropped connection: retried below */
      }
      if (this.stopped) return;
      this.on.status('reconnecting');
      await sleep(delay / 2 + Math.random() * (delay / 2));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  /** Reads events until the connection ends (or falls silent, which a dropped network looks like). */
  private async read(body: ReadableStream<Uint8Array>, connected: () => void): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    let silence: ReturnType<typeof setTimeout> | undefined;
    const watch = () => {
      clearTimeout(silence);
      silence = setTimeout(() => void reader.cancel().catch(() => undefined), SILENCE_MS);
    };
    try {
      watch();
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.stopped) return;
        watch();
        for (const e of parser.feed(decoder.decode(value, { stream: true }))) {
          if (e.event !== 'summary') continue; // `error`: the server retries on its next tick
          connected();
          this.on.summary(JSON.parse(e.data) as BoardSummary);
        }
      }
    } finally {
      clearTimeout(silence);
    }
  }

  private finish(end: StreamEnd): void {
    if (!this.stopped) this.on.end(end);
    this.stopped = true;
  }
}

/** The `message` of an API error reply, if it has one. */
export async function messageOf(res: Response): Promise<string | undefined> {
  const body = (await res.json().catch(() => ({}))) as { message?: unknown };
  return typeof body.message === 'string' ? body.message : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
