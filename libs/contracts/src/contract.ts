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
export function defineEvent<T>(key: string, consumer: ConsumerService, schema: z.ZodType<T>, opts: { broadcast?: boolean } = {}): EventContract<T> {
  return { kind: 'event', key: checkKey(key), schema, consumer, broadcast: opts.broadcast ?? false };
}

/** Declares a request/reply contract. */
export function defineRpc<Q, R>(key: string, consumer: ConsumerService, request: z.ZodType<Q>, reply: z.ZodType<R>): RpcContract<Q, R> {
  return { kind: 'rpc', key: checkKey(key), request, reply, consumer };
}
