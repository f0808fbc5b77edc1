import { randomUUID } from 'node:crypto';
import { EventContract, prefetchOf, RpcContract, UnavailableError } from '@herald/contracts';
import { Bus, BusOptions, DeadLetter, DEFAULT_BUS_OPTIONS, EventHandler, MessageContext, PublishOptions, RequestOptions, retryDelay, RpcHandler } from './bus';
import { answer, unwrapReply } from './rpc-envelope';

interface Envelope {
  body: string;
  attempt: number;
  correlationId?: string;
}

/** One in-process queue: FIFO, at most `prefetch` messages in flight, retries and dead-lettering like RabbitMQ. */
class MemoryQueue {
  private readonly ready: Envelope[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  constructor(
    readonly key: string,
    private readonly handler: (body: unknown, ctx: MessageContext) => Promise<void>,
    private readonly opts: BusOptions,
    private readonly deadLetter: (dl: DeadLetter) => void,
    private readonly validate: (body: unknown) => string | null,
  ) {}

  enqueue(env: Envelope): void {
    this.ready.push(env);
    this.pump();
  }

  get pending(): number {
    return this.ready.length + this.inFlight;
  }

  whenIdle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    while (this.inFlight < this.opts.prefetch && this.ready.length) {
      const env = this.ready.shift()!;
      this.inFlight++;
      void this.run(env).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.pending === 0) this.idleWaiters.splice(0).forEach((r) => r());
      });
    }
  }

  private async run(env: Envelope): Promise<void> {
    const body = JSON.parse(env.body) as unknown;
    const invalid = this.validate(body);
    if (invalid) return this.deadLetter({ key: this.key, reason: invalid, body });
    try {
      await this.handler(body, { attempt: env.attempt, correlationId: env.correlationId });
    } catch (err) {
      if (env.attempt >= this.opts.maxAttempts) {
        return this.deadLetter({ key: this.key, reason: `failed ${env.attempt} times: ${(err as Error).message}`, body });
      }
      this.inFlight++; // the retry keeps its slot, as an unacked RabbitMQ message would
      setTimeout(() => {
        this.inFlight--;
        this.enqueue({ ...env, attempt: env.attempt + 1 });
      }, retryDelay(this.opts.retryDelayMs, env.attempt)).unref();
    }
  }
}

/**
 * The in-process bus for single-node mode. Messages are serialised to JSON on publish (so no object is shared
 * between producer and consumer, as on the wire) and handled with the same ack/retry/dead-letter rules as the
 * RabbitMQ adapter. Queues live in memory: a crash loses what was in flight (documented limit of single-node).
 */
export class MemoryBus implements Bus {
  private readonly opts: BusOptions;
  private readonly queues = new Map<string, MemoryQueue[]>();
  private readonly responders = new Map<string, (raw: unknown, ctx: MessageContext) => Promise<unknown>>();
  private readonly deadLetterHandlers: ((dl: DeadLetter) => void)[] = [];
  private closed = false;

  constructor(opts: Partial<BusOptions> = {}, private readonly log: (msg: string, extra: Record<string, unknown>) => void = () => undefined) {
    this.opts = { ...DEFAULT_BUS_OPTIONS, ...opts };
  }

  async publish<T>(contract: EventContract<T>, payload: T, opts: PublishOptions = {}): Promise<void> {
    this.assertOpen();
    const body = JSON.stringify(contract.schema.parse(payload));
    for (const q of this.queues.get(contract.key) ?? []) q.enqueue({ body, attempt: 1, correlationId: opts.correlationId });
  }

  async consume<T>(contract: EventContract<T>, handler: EventHandler<T>): Promise<void> {
    this.assertOpen();
    const list = this.queues.get(contract.key) ?? [];
    if (list.length && !contract.broadcast) throw new Error(`${contract.key} already has a consumer group in this process`);
    const validate = (body: unknown) => {
      const r = contract.schema.safeParse(body);
      return r.success ? null : `invalid payload: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`;
    };
    list.push(new MemoryQueue(contract.key, (b, ctx) => handler(b as T, ctx), { ...this.opts, prefetch: prefetchOf(contract, this.opts.prefetch) }, (dl) => this.deadLettered(dl), validate));
    this.queues.set(contract.key, list);
  }

  async request<Q, R>(contract: RpcContract<Q, R>, request: Q, opts: RequestOptions = {}): Promise<R> {
    this.assertOpen();
    const responder = this.responders.get(contract.key);
    if (!responder) throw new UnavailableError(`no responder for ${contract.key}`);
    const raw = JSON.parse(JSON.stringify(contract.request.parse(request))) as unknown;
    const timeoutMs = opts.timeoutMs ?? this.opts.rpcTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError(`${contract.key} timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const reply = await Promise.race([responder(raw, { attempt: 1, correlationId: opts.correlationId ?? randomUUID() }), timeout]);
      return unwrapReply(contract, JSON.parse(JSON.stringify(reply)));
    } finally {
      clearTimeout(timer);
    }
  }

  async serve<Q, R>(contract: RpcContract<Q, R>, handler: RpcHandler<Q, R>): Promise<void> {
    this.assertOpen();
    if (this.responders.has(contract.key)) throw new Error(`${contract.key} already has a responder in this process`);
    this.responders.set(contract.key, (raw, ctx) => answer(contract, handler, raw, ctx));
  }

  async onDeadLetter(handler: (dl: DeadLetter) => void): Promise<void> {
    this.deadLetterHandlers.push(handler);
  }

  /** Resolves when every queue is empty and no handler is running (tests and graceful shutdown). */
  async drain(): Promise<void> {
    for (;;) {
      const all = [...this.queues.values()].flat();
      if (all.every((q) => q.pending === 0)) return;
      await Promise.all(all.map((q) => q.whenIdle()));
    }
  }

  healthy(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private deadLettered(dl: DeadLetter): void {
    this.log('message dead-lettered', { key: dl.key, reason: dl.reason });
    for (const h of this.deadLetterHandlers) h(dl);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('bus is closed');
  }
}
