import { cpus, hostname } from 'node:os';
import { firingsAfter, planFrom } from '../../services/scheduler/src/schedules/recurrence';

/**
 * Cost of planning the next firing of a series that has run for a while (what the scheduler does after every
 * firing, and `GET /api/schedules/upcoming` per schedule). Baseline: the same rule with a huge COUNT, which keeps
 * rrule iterating from the first occurrence; shipped: re-anchored near the bound.
 * Usage: npm run bench -- recurrence [iterations]
 */
function time(fn: () => unknown, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - t0) / n;
}

const n = Number(process.argv[2] ?? 5);
const start = '2025-01-06T09:00:00+01:00';
const after = new Date('2026-01-06T12:00:00Z'); // one year into the series
console.log(`next firing one year into a series, Europe/Paris, mean of ${n}; machine: ${hostname()} (${cpus().length} cores), node ${process.version}`);
for (const rule of ['FREQ=MINUTELY;INTERVAL=15', 'FREQ=HOURLY', 'FREQ=DAILY']) {
  const plan = (r: string) => planFrom({ at: start, rrule: r, timezone: 'Europe/Paris' }, new Date('2025-01-01T00:00:00Z'));
  const shipped = plan(rule);
  const baseline = plan(`${rule};COUNT=100000000`);
  const same = firingsAfter(shipped, after, 3).join() === firingsAfter(baseline, after, 3).join();
  const b = time(() => firingsAfter(baseline, after, 1), n);
  const s = time(() => firingsAfter(shipped, after, 1), n);
  console.log(`  ${rule.padEnd(26)} from first occurrence (baseline): ${b.toFixed(2)} ms   re-anchored (shipped): ${s.toFixed(2)} ms   ratio: ${(b / s).toFixed(0)}x   same result: ${same}`);
}
