import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The process-wide Prometheus registry; every service in the process registers its metrics here. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'herald_' });

const counters = new Map<string, Counter>();

/** Returns the counter `name` (created on first use), so two modules asking for one metric share it. */
export function counter(name: string, help: string, labelNames: string[] = []): Counter {
  let c = counters.get(name);
  if (!c) {
    c = new Counter({ name, help, labelNames, registers: [registry] });
    counters.set(name, c);
  }
  return c;
}

const gauges = new Map<string, Gauge>();

/** Returns the gauge `name` (created on first use), shared like counters. */
export function gauge(name: string, help: string, labelNames: string[] = []): Gauge {
  let g = gauges.get(name);
  if (!g) {
    g = new Gauge({ name, help, labelNames, registers: [registry] });
    gauges.set(name, g);
  }
  return g;
}
