import { createServer, connect, Server, Socket } from 'node:net';

interface Link {
  client: Socket;
  upstream: Socket;
}

/**
 * A TCP forwarder standing in for the network between two processes: the load balancer in front of the gateways
 * (a client keeps one address while the test cuts it off or points it at another gateway process), or the link of
 * one service to the broker (the test stalls it, as a service too busy to read its socket would).
 */
export class TcpSwitch {
  private target?: { host: string; port: number };
  private readonly links = new Set<Link>();
  private stalled = false;
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

  /**
   * Stops forwarding on every connection, both ways, without closing any: bytes wait in the socket buffers (and the
   * sender's) until `resume`, in their order, as they would for a process whose event loop is busy.
   */
  stall(): void {
    this.stalled = true;
    for (const l of this.links) this.unpipe(l);
  }

  /** Forwards again everything a `stall` held back. */
  resume(): void {
    this.stalled = false;
    for (const l of this.links) this.pipe(l);
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (!this.target) return void client.destroy();
    const link = { client, upstream: connect(this.target.port, this.target.host) };
    this.links.add(link);
    for (const s of [link.client, link.upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => {
        this.links.delete(link);
        link.client.destroy();
        link.upstream.destroy();
      });
    }
    if (this.stalled) link.client.pause();
    else this.pipe(link);
  }

  private pipe({ client, upstream }: Link): void {
    client.pipe(upstream).pipe(client);
  }

  private unpipe({ client, upstream }: Link): void {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  }

  private dropAll(): void {
    for (const l of this.links) {
      l.client.destroy();
      l.upstream.destroy();
    }
    this.links.clear();
  }
}
