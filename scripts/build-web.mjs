#!/usr/bin/env node
// Bundles the browser pages the gateway serves: the recipient web client (services/gateway/web/main.ts, on
// libs/client-sdk and socket.io-client) into dist/web/app.js, served at /app.js, and the crisis board
// (services/gateway/web/board/main.ts) into dist/web/board.js, served at /board.js. Part of `npm run build`.
import { build } from 'esbuild';

await build({
  entryPoints: { app: 'services/gateway/web/main.ts', board: 'services/gateway/web/board/main.ts' },
  outdir: 'dist/web',
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
