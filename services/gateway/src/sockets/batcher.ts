/**
 * Collects items (receipts, presence reports) from many sockets and flushes them upstream as one message, when
 * `maxSize` are waiting or `maxDelayMs` after the first one arrived. `add` resolves once the batch holding the item
 * was published (so a client's ack means "the server has it").
 */
export class Batcher<T> {
  private batch: { item: T; done: (err?: Error) => void }[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly flushFn: (items: T[]) => Promise<void>, private readonly maxSize: number, private readonly maxDelayMs: number) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.batch.push({ item, done: (err) => (err ? reject(err) : resolve()) });
      if (this.batch.length >= this.maxSize) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.maxDelayMs);
    });
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.batch;
    this.batch = [];
    if (!items.length) return;
    try {
      await this.flushFn(items.map((i) => i.item));
      items.forEach((i) => i.done());
    } catch (err) {
      items.forEach((i) => i.done(err as Error));
    }
  }
}
