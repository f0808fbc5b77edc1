import type { ClientReceipt } from '@herald/contracts';
import { BackoffOptions, backoffDelay } from './backoff';
import { KeyValueStorage, readJson } from './storage';

/** What sending one receipt came to: the server has it, it must be tried again later, or it can never succeed. */
export type SendOutcome = 'confirmed' | 'retry' | 'rejected';
export type ReceiptSender = (receipt: ClientReceipt) => Promise<SendOutcome>;

const KEY = 'herald.receipts.v1';

/**
 * Receipts waiting for the server's confirmation, persisted so a receipt made offline (or just before the process
 * died) is sent on the next connection. Sends in waves of up to `window` receipts; a failure in a wave ends the round
 * and schedules the next one with back-off. Duplicates are harmless server-side (idempotent), but are not queued twice here.
 */
export class ReceiptQueue {
  private queue: ClientReceipt[];
  private sender?: ReceiptSender;
  private running = false;
  private failures = 0;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly backoff: BackoffOptions,
    private readonly random: () => number = Math.random,
    private readonly window = 64,
  ) {
    const loaded = readJson<unknown>(storage, KEY, []);
    this.queue = Array.isArray(loaded) ? (loaded as ClientReceipt[]).filter((r) => r && typeof r.occurrenceId === 'string' && typeof r.state === 'string') : [];
  }

  get pending(): readonly ClientReceipt[] {
    return this.queue;
  }

  add(receipt: ClientReceipt): void {
    if (!this.queue.some((r) => r.occurrenceId === receipt.occurrenceId && r.state === receipt.state)) {
      this.queue.push({ occurrenceId: receipt.occurrenceId, state: receipt.state });
      this.save();
    }
    void this.flush();
  }

  /** Connected: start sending through `sender`. Disconnected: pass undefined, receipts wait in storage. */
  setSender(sender: ReceiptSender | undefined): void {
    this.sender = sender;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.failures = 0;
    if (sender) void this.flush();
  }

  /**
   * Sends until the queue is empty or a receipt fails; resolves when this round ends. Up to `window` receipts are in
   * flight at once: the gateway batches receipts for up to RECEIPT_BATCH_MS before confirming, so one at a time
   * would let a backlog from a long offline spell drain at ~10 receipts a second. Order does not matter to the
   * server (states only move forward, each first timestamp is kept).
   */
  async flush(): Promise<void> {
    if (this.running || !this.sender || this.timer) return;
    this.running = true;
    try {
      while (this.queue.length && this.sender) {
        const sender = this.sender;
        const wave = this.queue.slice(0, this.window);
        const outcomes = await Promise.all(wave.map((r) => sender(r).catch((): SendOutcome => 'retry')));
        const settled = new Set(wave.filter((_, i) => outcomes[i] !== 'retry'));
        this.queue = this.queue.filter((r) => !settled.has(r));
        this.save();
        if (settled.size < wave.length) {
          this.timer = setTimeout(() => ((this.timer = undefined), void this.flush()), backoffDelay(this.failures++, this.backoff, this.random));
          return;
        }
        this.failures = 0;
      }
    } finally {
      this.running = false;
    }
  }

  close(): void {
    this.setSender(undefined);
  }

  private save(): void {
    this.storage.setItem(KEY, JSON.stringify(this.queue));
  }
}
