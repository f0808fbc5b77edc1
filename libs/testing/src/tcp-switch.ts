import { createServer, connect, Server, Socket } from 'node:net';

/**
 * A TCP forwarder standing in for the load balancer in front of the gateways: a client keeps one address while the
 * test cuts it off (every connection dropped, new ones refused) or points it at another gateway process.
 */
export class TcpSwitch {
  private target?: { host: string; port: number };
  private readonly open = new Set<Socket>();
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(targetUrl: string): Promise<TcpSwitch> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const sw = new TcpSwitch(server, `http://127.0.0.1:${port}`);
    sw.route(targetUrl);
    server.on('connection', (client) => sw.accept(client));
    return sw;
  }

  /** Sends new connections to `targetUrl`; existing ones are dropped so clients reconnect there. */
  route(targetUrl: string): void {
    const u = new URL(targetUrl);
    this.target = { host: u.hostname, port: Number(u.port) };
    this.dropAll();
  }

  /** The network is gone: drop every connection and refuse new ones until `route` is called. */
  offline(): void {
    this.target = undefined;
    this.dropAll();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (!this.target) return void client.destroy();
    const upstream = connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.open.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.open.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  private dropAll(): void {
    for (const s of this.open) s.destroy();
    this.open.clear();
  }
}
