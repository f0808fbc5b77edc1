#!/usr/bin/env node
// Bundles the recipient web client (services/gateway/web, on libs/client-sdk and socket.io-client) into one
// browser script, dist/web/app.js, which the gateway serves at /app.js. Part of `npm run build`.
import { build } from 'esbuild';

await build({
  entryPoints: ['services/gateway/web/main.ts'],
  outfile: 'dist/web/app.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  sourcemap: 'linked',
  tsconfig: 'tsconfig.json',
  legalComments: 'none',
  logLevel: 'warning',
});
