import { z } from 'zod';

/** Which service owns the queue that consumes a message; the queue group is named after it. */
export type ConsumerService = 'composer' | 'directory' | 'scheduler' | 'delivery' | 'gateway' | 'audit';

/** A fire-and-forget event: routing key `<domain>.<event>.v<N>`, payload schema and consuming service. */
export interface EventContract<T> {
  readonly kind: 'event';
  readonly key: string;
  readonly schema: z.ZodType<T>;
  readonly consumer: ConsumerService;
  /** Every instance of the consumer receives its own copy (e.g. gateways), instead of competing for it. */
  readonly broadcast: boolean;
  /**
   * At most this many unacknowledged messages per consumer instance, below the bus-wide prefetch: for heavy
   * messages whose backlog must stay on the broker (where a message on another queue can overtake it), not in the
   * consumer's socket buffer ahead of everything else it will read.
   */
  readonly prefetch?: number;
}

/** A request/reply call answered by exactly one instance of the responder service. */
export interface RpcContract<Q, R> {
  readonly kind: 'rpc';
  readonly key: string;
  readonly request: z.ZodType<Q>;
  readonly reply: z.ZodType<R>;
  readonly consumer: ConsumerService;
}

export type AnyContract = EventContract<any> | RpcContract<any, any>;

const KEY = /^[a-z][a-z-]*\.[a-z][a-z-]*\.v[1-9][0-9]*$/;

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`routing key "${key}" must read <domain>.<event>.v<N>`);
  return key;
}

/** Declares an event contract; the key is checked against the `<domain>.<event>.v<N>` convention. */
export function defineEvent<T>(key: string, consumer: ConsumerService, schema: z.ZodType<T>, opts: { broadcast?: boolean; prefetch?: number } = {}): EventContract<T> {
  if (opts.prefetch !== undefined && !(Number.isInteger(opts.prefetch) && opts.prefetch >= 1)) throw new Error(`prefetch of "${key}" must be a positive integer`);
  return { kind: 'event', key: checkKey(key), schema, consumer, broadcast: opts.broadcast ?? false, ...(opts.prefetch ? { prefetch: opts.prefetch } : {}) };
}

/** How many messages of `contract` one consumer may hold unacknowledged, given the bus-wide prefetch. */
export function prefetchOf(contract: EventContract<unknown>, busPrefetch: number): number {
  return Math.min(contract.prefetch ?? busPrefetch, busPrefetch);
}

/** Declares a request/reply contract. */
export function defineRpc<Q, R>(key: string, consumer: ConsumerService, request: z.ZodType<Q>, reply: z.ZodType<R>): RpcContract<Q, R> {
  return { kind: 'rpc', key: checkKey(key), request, reply, consumer };
}
