import { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';

/**
 * The emergency benchmark's baseline server, in its own process as Herald's gateway is: a plain `ws` server that
 * prints `port <n>` once listening and sends every line it reads on stdin to every connected client.
 * Usage (by test/bench/emergency.bench.ts): node dist/test/bench/raw-ws-broadcast.js
 */
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
wss.once('listening', () => process.stdout.write(`port ${(wss.address() as AddressInfo).port}\n`));
createInterface({ input: process.stdin }).on('line', (line) => {
  for (const c of wss.clients) c.send(line);
});
process.stdin.once('end', () => wss.close(() => process.exit(0)));
