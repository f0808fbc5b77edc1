#!/usr/bin/env node
// Runs one benchmark: `npm run bench -- <name> [args...]` → node --expose-gc dist/bench/<name>.bench.js [args...]
// (build first: npm run build). Benchmarks print their figures; docs/benchmarks.md records them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
const available = existsSync('dist/bench') ? readdirSync('dist/bench').filter((f) => f.endsWith('.bench.js')).map((f) => f.replace(/\.bench\.js$/, '')) : [];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (available after npm run build: ${available.join(', ') || 'none'})`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--expose-gc', `dist/bench/${name}.bench.js`, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
