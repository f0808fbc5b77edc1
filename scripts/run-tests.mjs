#!/usr/bin/env node
// Runs Herald's compiled test tiers with node's test runner and ends with "N passed, N failed".
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...]   (default: every tier)
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const TIERS = { unit: /\.spec\.js$/, integration: /\.int-spec\.js$/, e2e: /\.e2e-spec\.js$/ };
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(TIERS);
for (const t of wanted) if (!TIERS[t]) { console.error(`unknown tier "${t}" (choose from ${Object.keys(TIERS).join(', ')})`); process.exit(2); }

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const all = walk('dist').filter((f) => !f.includes('node_modules'));
let passed = 0, failed = 0, skipped = 0;
for (const tier of wanted) {
  const files = all.filter((f) => TIERS[tier].test(f) && (tier !== 'unit' || !/\.(int|e2e)-spec\.js$/.test(f))).sort();
  console.log(`\n== ${tier}: ${files.length} file(s)`);
  if (!files.length) continue;
  const stream = run({ files, concurrency: 1, timeout: 300_000 });
  stream.on('test:pass', (e) => { if (e.details?.type !== 'suite') (e.skip || e.todo ? skipped++ : passed++); });
  stream.on('test:fail', (e) => { if (e.details?.type !== 'suite') failed++; });
  await new Promise((resolve) => stream.compose(spec).on('data', (d) => process.stdout.write(d)).on('end', resolve));
  console.log(`-- ${tier} done (${files.map((f) => relative('dist', f)).length} files)`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
