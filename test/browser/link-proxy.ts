/**
 * A TCP relay between the browser and the server, so a test can cut the browser's connections the way
 * a flaky office network does (the server and the page both see the socket drop) and let it reconnect.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface LinkProxy {
  /** `http://127.0.0.1:<port>`: open the pages here. */
  url: string;
  /** Cuts every connection open now; new ones are relayed again at once (unless blocked). */
  drop(): void;
  /** While true, every new connection is cut as it arrives, as a network that is down (drop() cuts the open ones). */
  block(blocked: boolean): void;
  close(): Promise<void>;
}

export async function startLinkProxy(target: string): Promise<LinkProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let blocked = false;
  const server = createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(port) });
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  const drop = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    drop,
    block(value) {
      blocked = value;
    },
    async close() {
      drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
