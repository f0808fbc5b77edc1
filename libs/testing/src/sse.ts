import { get, IncomingMessage } from 'node:http';

/** A live server-sent-events stream as a test reads it: the JSON data of every `event: <name>` frame, in order. */
export class SseReader {
  private readonly frames: { event: string; data: unknown }[] = [];
  private buffer = '';
  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        const frame = /^event: ([^\n]+)\ndata: (.*)$/s.exec(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 2);
        if (frame) this.frames.push({ event: frame[1], data: JSON.parse(frame[2]) });
      }
    });
  }

  /** Opens `url` with a bearer token; resolves once the response headers arrived (any status). */
  static open(url: string, token: string): Promise<SseReader> {
    return new Promise((resolve, reject) => get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => resolve(new SseReader(res))).on('error', reject));
  }

  /** The data of every `name` event received so far. */
  events<T>(name: string): T[] {
    return this.frames.filter((f) => f.event === name).map((f) => f.data as T);
  }

  close(): void {
    this.response.destroy();
  }
}
