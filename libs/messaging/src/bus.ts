import { EventContract, RpcContract } from '@herald/contracts';

/** What a handler learns about the message it is given. */
export interface MessageContext {
  /** 1 on first delivery, then incremented on every retry. */
  attempt: number;
  correlationId?: string;
}

export type EventHandler<T> = (payload: T, ctx: MessageContext) => Promise<void>;
export type RpcHandler<Q, R> = (request: Q, ctx: MessageContext) => Promise<R>;

export interface PublishOptions {
  correlationId?: string;
}

export interface RequestOptions extends PublishOptions {
  timeoutMs?: number;
}

/** A message that failed every attempt (or was invalid) and was moved to the dead-letter queue. */
export interface DeadLetter {
  key: string;
  reason: string;
  body: unknown;
}

/**
 * The bus port. Every adapter gives the same guarantees: `publish` resolves once the broker has the message
 * (publisher confirm), consumers ack after their handler succeeds, a failing handler is retried with back-off
 * up to `maxAttempts`, then the message is dead-lettered; invalid payloads are dead-lettered at once.
 */
export interface Bus {
  publish<T>(contract: EventContract<T>, payload: T, opts?: PublishOptions): Promise<void>;
  /** Competing consumers share the queue named after `contract.consumer`; broadcast contracts get one queue per instance. */
  consume<T>(contract: EventContract<T>, handler: EventHandler<T>): Promise<void>;
  request<Q, R>(contract: RpcContract<Q, R>, request: Q, opts?: RequestOptions): Promise<R>;
  serve<Q, R>(contract: RpcContract<Q, R>, handler: RpcHandler<Q, R>): Promise<void>;
  /** Observes dead-lettered messages (operators' tooling and tests). */
  onDeadLetter(handler: (dl: DeadLetter) => void): Promise<void>;
  /** True while the bus can publish and consume (readiness probes). */
  healthy(): boolean;
  close(): Promise<void>;
}

export interface BusOptions {
  /** Prefix of every exchange and queue; lets several Herald installations (or test runs) share a broker. */
  namespace: string;
  prefetch: number;
  maxAttempts: number;
  retryDelayMs: number;
  rpcTimeoutMs: number;
}

export const DEFAULT_BUS_OPTIONS: BusOptions = { namespace: 'herald', prefetch: 200, maxAttempts: 5, retryDelayMs: 500, rpcTimeoutMs: 10_000 };

/** Delay before retry number `attempt` (1-based): exponential, capped at one minute. */
export function retryDelay(base: number, attempt: number): number {
  return Math.min(60_000, base * 2 ** (attempt - 1));
}

export class BusError extends Error {}
