#!/usr/bin/env node
// Runs one compiled benchmark: npm run bench -- <name> [args]  →  dist/test/bench/<name>.bench.js
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const [name, ...args] = process.argv.slice(2);
const file = `dist/test/bench/${name}.bench.js`;
if (!name || !existsSync(file)) {
  const known = existsSync('dist/test/bench') ? readdirSync('dist/test/bench').filter((f) => f.endsWith('.bench.js')).map((f) => f.replace('.bench.js', '')) : [];
  console.error(`usage: npm run bench -- <name>   (built benchmarks: ${known.join(', ') || 'none, run npm run build'})`);
  process.exit(2);
}
process.exit(spawnSync(process.execPath, ['--expose-gc', file, ...args], { stdio: 'inherit' }).status ?? 1);
