/**
 * A TCP relay to a server (the test PostgreSQL) that can stop passing bytes without closing anything,
 * the way a network partition or a stalled database looks to a client: its requests are sent and no
 * answer comes. `thaw()` delivers what was held, in order, and relays again.
 */
import net from 'node:net';

export class FreezableProxy {
  private frozen = false;
  private readonly held: (() => void)[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(host: string, port: number): Promise<FreezableProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new FreezableProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => proxy.relay(client, net.connect(port, host)));
    return proxy;
  }

  private relay(client: net.Socket, upstream: net.Socket): void {
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (this.frozen) this.held.push(() => to.write(chunk));
        else to.write(chunk);
      });
      from.on('error', () => undefined);
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }

  /** From now on nothing passes, either way; connections stay open. */
  freeze(): void {
    this.frozen = true;
  }

  /** What was held goes through, in order, and the relay goes on. */
  thaw(): void {
    this.frozen = false;
    for (const send of this.held.splice(0)) send();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
