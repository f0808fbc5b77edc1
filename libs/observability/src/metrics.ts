import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The process-wide Prometheus registry; every service in the process registers its metrics here. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'herald_' });

const metrics = new Map<string, Counter | Gauge>();

/** One metric per name in the process, created on first use, so two modules asking for it share it. */
function shared<T extends Counter | Gauge>(name: string, make: () => T): T {
  if (!metrics.has(name)) metrics.set(name, make());
  return metrics.get(name) as T;
}

/** Returns the counter `name` (created on first use). */
export function counter(name: string, help: string, labelNames: string[] = []): Counter {
  return shared(name, () => new Counter({ name, help, labelNames, registers: [registry] }));
}

/** Returns the gauge `name` (created on first use). */
export function gauge(name: string, help: string, labelNames: string[] = []): Gauge {
  return shared(name, () => new Gauge({ name, help, labelNames, registers: [registry] }));
}
