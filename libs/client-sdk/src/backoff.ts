/** Reconnection delays: exponential growth, capped, with jitter so a fleet of clients does not reconnect in step. */
export interface BackoffOptions {
  /** First delay and the floor of every delay, in ms. */
  baseMs: number;
  /** Largest delay, in ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

/**
 * Delay before reconnection attempt `attempt` (0 = first retry): uniform in [base, min(max, base·2^attempt)].
 * "Full jitter" spreads 10k clients of a restarted gateway over the whole window instead of synchronised waves.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(opts.baseMs + random() * (ceiling - opts.baseMs));
}
