/**
 * A TCP proxy on 127.0.0.1 that tests control, in front of the real API server: it can cut every
 * open connection (a watch broken mid-stream), freeze them (a watch gone silent), or stop
 * listening altogether (an unreachable server) and come back on the same port. TLS passes through
 * untouched, so the client still verifies the API server's certificate.
 */
import * as net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export class TcpProxy {
  private server: net.Server | undefined;
  private readonly pairs = new Set<Pair>();
  /** Connections accepted so far. */
  accepted = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  static async start(targetUrl: string): Promise<TcpProxy> {
    const u = new URL(targetUrl);
    const proxy = new TcpProxy({ host: u.hostname, port: Number(u.port) }, 0);
    await proxy.listen();
    return proxy;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  /** Starts accepting again (on the same port after close()). */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((client) => this.accept(client));
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        this.server = server;
        resolve();
      });
    });
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    const upstream = net.connect(this.target.port, this.target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  }

  /** Destroys every open connection (new ones are still accepted). */
  cutAll(): number {
    const n = this.pairs.size;
    for (const p of [...this.pairs]) {
      p.client.destroy();
      p.upstream.destroy();
    }
    return n;
  }

  /** Stops forwarding bytes on every open connection, keeping the sockets open. */
  freezeAll(): number {
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    return this.pairs.size;
  }

  /** Stops listening and cuts everything: connecting now fails with ECONNREFUSED. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.cutAll();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
