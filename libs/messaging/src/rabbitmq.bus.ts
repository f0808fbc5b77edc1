import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { EventContract, prefetchOf, RpcContract, UnavailableError } from '@herald/contracts';
import { Bus, BusOptions, DeadLetter, DEFAULT_BUS_OPTIONS, EventHandler, PublishOptions, RequestOptions, retryDelay, RpcHandler } from './bus';
import { answer, unwrapReply } from './rpc-envelope';

type Setup = (model: amqp.ChannelModel) => Promise<void>;
type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

const REPLY_QUEUE = 'amq.rabbitmq.reply-to';
const ATTEMPT_HEADER = 'x-herald-attempt';

/**
 * Runs a channel operation that may find its channel closed meanwhile (bus closed, connection lost while a handler
 * ran): amqplib then throws. Nothing is lost: the broker redelivers every message that was not acked.
 */
function whileOpen(op: () => void): void {
  try {
    op();
  } catch {
    /* channel closed: the broker redelivers the unacked message */
  }
}

interface PendingRequest {
  resolve: (raw: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * RabbitMQ adapter (amqplib). Topology per namespace `ns`:
 *   `ns.events` topic exchange (durable) — events and RPC requests, routed by contract key;
 *   `ns.dlx` topic exchange + `ns.dead-letter` durable queue — messages that failed every attempt or were invalid;
 *   `ns.<consumer>.<key>` durable queue per consumer group (dead-lettering to `ns.dlx`);
 *   an exclusive, server-named queue per instance for broadcast contracts.
 * Publishes are persistent, `mandatory` and confirmed. Consumers use manual acks and `prefetch`. A failed handler
 * is retried by re-queueing a copy with an attempt header after an exponential delay (the original is acked only
 * once the copy is confirmed), then dead-lettered. The connection recovers with back-off and re-creates topology
 * and consumers on every reconnect.
 */
export class RabbitMqBus implements Bus {
  private readonly opts: BusOptions;
  private model?: amqp.RecoveringChannelModel;
  private pub?: Promise<amqp.ConfirmChannel>;
  private rpc?: Promise<amqp.Channel>;
  private readonly setups: Setup[] = [];
  private readonly pending = new Map<string, PendingRequest>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private closing = false;
  private connected = false;

  constructor(private readonly url: string, opts: Partial<BusOptions> = {}, private readonly log: Log = () => undefined) {
    this.opts = { ...DEFAULT_BUS_OPTIONS, ...opts };
  }

  private get exchange(): string {
    return `${this.opts.namespace}.events`;
  }

  /** Connects (retrying a few times at start-up so a misconfigured URL fails the boot), then recovers forever. */
  async connect(): Promise<void> {
    this.model = await amqp.connect(this.url, {
      recovery: {
        initialDelay: 200,
        maxDelay: 10_000,
        initialMaxRetries: 10,
        maxRetries: Infinity,
        setup: async (model: amqp.ChannelModel) => {
          await this.onConnect(model);
        },
      },
    });
    this.model.on('disconnect', (err: Error) => (this.connected = false, this.log('warn', 'rabbitmq disconnected, reconnecting', { error: err?.message })));
    this.model.on('error', (err: Error) => this.log('error', 'rabbitmq connection error', { error: err.message }));
    this.model.on('handler-error', (err: Error) => this.log('error', 'rabbitmq handler error', { error: err.message }));
  }

  private async onConnect(model: amqp.ChannelModel): Promise<void> {
    const ns = this.opts.namespace;
    const pub = await model.createConfirmChannel();
    pub.on('return', (msg: amqp.Message) => this.log('warn', 'unroutable message returned', { key: msg.fields.routingKey }));
    pub.on('error', (err: Error) => this.log('error', 'publish channel error', { error: err.message }));
    await pub.assertExchange(`${ns}.events`, 'topic', { durable: true });
    await pub.assertExchange(`${ns}.dlx`, 'topic', { durable: true });
    await pub.assertQueue(`${ns}.dead-letter`, { durable: true });
    await pub.bindQueue(`${ns}.dead-letter`, `${ns}.dlx`, '#');
    const rpc = await model.createChannel();
    rpc.on('error', (err: Error) => this.log('error', 'rpc channel error', { error: err.message }));
    rpc.on('return', (msg: amqp.Message) => this.failRequest(msg.properties.correlationId, new UnavailableError(`no responder for ${msg.fields.routingKey}`)));
    await rpc.consume(REPLY_QUEUE, (msg) => msg && this.settleRequest(msg), { noAck: true });
    this.pub = Promise.resolve(pub);
    this.rpc = Promise.resolve(rpc);
    for (const setup of this.setups) await setup(model);
    this.connected = true;
    this.log('info', 'rabbitmq connected', { namespace: ns });
  }

  private async publisher(): Promise<amqp.ConfirmChannel> {
    if (!this.pub) throw new Error('bus is not connected');
    return this.pub;
  }

  async publish<T>(contract: EventContract<T>, payload: T, opts: PublishOptions = {}): Promise<void> {
    const body = Buffer.from(JSON.stringify(contract.schema.parse(payload)));
    const ch = await this.publisher();
    await new Promise<void>((resolve, reject) => {
      ch.publish(
        this.exchange,
        contract.key,
        body,
        { persistent: true, mandatory: true, contentType: 'application/json', correlationId: opts.correlationId, headers: { [ATTEMPT_HEADER]: 1 } },
        (err) => (err ? reject(new UnavailableError(`broker refused ${contract.key}`)) : resolve()),
      );
    });
  }

  async consume<T>(contract: EventContract<T>, handler: EventHandler<T>): Promise<void> {
    const ns = this.opts.namespace;
    const setup: Setup = async (model) => {
      const ch = await model.createConfirmChannel();
      ch.on('error', (err: Error) => this.log('error', 'consumer channel error', { key: contract.key, error: err.message }));
      await ch.prefetch(prefetchOf(contract, this.opts.prefetch));
      const args = { 'x-dead-letter-exchange': `${ns}.dlx` };
      const q = contract.broadcast
        ? (await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false, arguments: args })).queue
        : (await ch.assertQueue(`${ns}.${contract.consumer}.${contract.key}`, { durable: true, arguments: args })).queue;
      await ch.bindQueue(q, this.exchange, contract.key);
      await ch.consume(q, (msg) => {
        if (msg) void this.handle(ch, q, contract, handler, msg);
      }, { noAck: false });
    };
    this.setups.push(setup);
    if (this.model && this.pub) await setup(await this.currentModel());
  }

  private async handle<T>(ch: amqp.ConfirmChannel, queue: string, contract: EventContract<T>, handler: EventHandler<T>, msg: amqp.Message): Promise<void> {
    const attempt = Number(msg.properties.headers?.[ATTEMPT_HEADER] ?? 1);
    let body: unknown;
    try {
      body = JSON.parse(msg.content.toString('utf8'));
    } catch {
      return this.reject(ch, msg, contract.key, 'body is not JSON');
    }
    const parsed = contract.schema.safeParse(body);
    if (!parsed.success) return this.reject(ch, msg, contract.key, `invalid payload: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    try {
      await handler(parsed.data, { attempt, correlationId: msg.properties.correlationId });
    } catch (err) {
      if (attempt >= this.opts.maxAttempts) return this.reject(ch, msg, contract.key, `failed ${attempt} times: ${(err as Error).message}`);
      this.log('warn', 'handler failed, will retry', { key: contract.key, attempt, error: (err as Error).message });
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        // Re-queue a copy with the next attempt number; ack the original only once the copy is confirmed.
        whileOpen(() =>
          ch.sendToQueue(queue, msg.content, { ...msg.properties, persistent: true, headers: { ...msg.properties.headers, [ATTEMPT_HEADER]: attempt + 1 } }, (confirmErr) => {
            whileOpen(() => (confirmErr ? ch.nack(msg, false, true) : ch.ack(msg)));
          }),
        );
      }, retryDelay(this.opts.retryDelayMs, attempt));
      this.retryTimers.add(timer);
      return;
    }
    // Outside the handler's try: a failed ack (channel closed) is not a handler failure and must not be retried.
    whileOpen(() => ch.ack(msg));
  }

  private reject(ch: amqp.ConfirmChannel, msg: amqp.Message, key: string, reason: string): void {
    this.log('error', 'message dead-lettered', { key, reason });
    // A copy carrying the reason goes to the DLX; the original is acked once the copy is confirmed, or
    // dead-lettered natively (queue argument x-dead-letter-exchange) if the broker refused the copy.
    whileOpen(() =>
      ch.publish(`${this.opts.namespace}.dlx`, key, msg.content, { persistent: true, headers: { ...msg.properties.headers, 'x-herald-reason': reason } }, (err) => {
        whileOpen(() => (err ? ch.nack(msg, false, false) : ch.ack(msg)));
      }),
    );
  }

  async request<Q, R>(contract: RpcContract<Q, R>, request: Q, opts: RequestOptions = {}): Promise<R> {
    if (!this.rpc) throw new Error('bus is not connected');
    const ch = await this.rpc;
    const correlationId = randomUUID();
    const timeoutMs = opts.timeoutMs ?? this.opts.rpcTimeoutMs;
    // Validate before registering the pending request, so a refused request leaves no timer behind.
    const body = Buffer.from(JSON.stringify(contract.request.parse(request)));
    const raw = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.failRequest(correlationId, new UnavailableError(`${contract.key} timed out after ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
      ch.publish(this.exchange, contract.key, body, {
        replyTo: REPLY_QUEUE,
        correlationId,
        mandatory: true,
        expiration: String(timeoutMs),
        contentType: 'application/json',
        headers: { 'x-herald-correlation': opts.correlationId ?? correlationId },
      });
    });
    return unwrapReply(contract, raw);
  }

  private settleRequest(msg: amqp.Message): void {
    const p = this.pending.get(msg.properties.correlationId);
    if (!p) return;
    this.pending.delete(msg.properties.correlationId);
    clearTimeout(p.timer);
    try {
      p.resolve(JSON.parse(msg.content.toString('utf8')));
    } catch (err) {
      p.reject(err as Error);
    }
  }

  private failRequest(correlationId: string, err: Error): void {
    const p = this.pending.get(correlationId);
    if (!p) return;
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    p.reject(err);
  }

  async serve<Q, R>(contract: RpcContract<Q, R>, handler: RpcHandler<Q, R>): Promise<void> {
    const ns = this.opts.namespace;
    const setup: Setup = async (model) => {
      const ch = await model.createChannel();
      ch.on('error', (err: Error) => this.log('error', 'rpc server channel error', { key: contract.key, error: err.message }));
      await ch.prefetch(this.opts.prefetch);
      const q = `${ns}.${contract.consumer}.${contract.key}`;
      await ch.assertQueue(q, { durable: true, arguments: { 'x-dead-letter-exchange': `${ns}.dlx` } });
      await ch.bindQueue(q, this.exchange, contract.key);
      await ch.consume(q, async (msg) => {
        if (!msg) return;
        let raw: unknown;
        try {
          raw = JSON.parse(msg.content.toString('utf8'));
        } catch {
          raw = undefined;
        }
        const reply = await answer(contract, handler, raw, { attempt: 1, correlationId: msg.properties.headers?.['x-herald-correlation'] });
        whileOpen(() => {
          if (msg.properties.replyTo) ch.sendToQueue(msg.properties.replyTo, Buffer.from(JSON.stringify(reply)), { correlationId: msg.properties.correlationId });
          ch.ack(msg);
        });
      }, { noAck: false });
    };
    this.setups.push(setup);
    if (this.model && this.pub) await setup(await this.currentModel());
  }

  async onDeadLetter(handler: (dl: DeadLetter) => void): Promise<void> {
    const ns = this.opts.namespace;
    const setup: Setup = async (model) => {
      const ch = await model.createChannel();
      await ch.consume(`${ns}.dead-letter`, (msg) => {
        if (!msg) return;
        let body: unknown = msg.content.toString('utf8');
        try {
          body = JSON.parse(body as string);
        } catch {
          /* keep the raw text */
        }
        handler({ key: msg.fields.routingKey, reason: String(msg.properties.headers?.['x-herald-reason'] ?? 'rejected'), body });
        ch.ack(msg);
      });
    };
    this.setups.push(setup);
    if (this.model && this.pub) await setup(await this.currentModel());
  }

  /** Deletes this namespace's exchanges and queues (tests use a throw-away namespace each). */
  async destroyTopology(queues: string[]): Promise<void> {
    const ch = await (await this.currentModel()).createChannel();
    const ns = this.opts.namespace;
    for (const q of [...queues, `${ns}.dead-letter`]) await ch.deleteQueue(q);
    await ch.deleteExchange(`${ns}.events`);
    await ch.deleteExchange(`${ns}.dlx`);
    await ch.close();
  }

  private async currentModel(): Promise<amqp.ChannelModel> {
    // RecoveringChannelModel exposes the same channel factory as a plain ChannelModel.
    return this.model as unknown as amqp.ChannelModel;
  }

  healthy(): boolean {
    return this.connected && !this.closing;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const t of this.retryTimers) clearTimeout(t);
    for (const [id] of this.pending) this.failRequest(id, new UnavailableError('bus closed'));
    await this.model?.close().catch(() => undefined);
  }
}
