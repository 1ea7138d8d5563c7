/**
 * The simulator's AMI listener: Asterisk 22's manager interface over TCP, driven by a PbxCore.
 *
 *   const ami = await startAmiServer({ core, host: '127.0.0.1', port: 0, users: [{ username: 'cti', secret: 'cti-secret' }] });
 *   // connect asterisk-manager to ami.port …
 *   ami.dropConnections(); // fault injection: every client socket dies, the listener stays
 *   await ami.close();
 */
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { PbxCore } from '../core/api.js';
import { AmiHub } from './hub.js';
import type { AmiUser } from './hub.js';
import { AmiSession } from './session.js';

export interface AmiServerOptions {
  core: PbxCore;
  host: string;
  /** 0 picks a free port. */
  port: number;
  users: AmiUser[];
}

export interface AmiServer {
  port: number;
  /** Stop listening and close every session. */
  close(): Promise<void>;
  /** Abruptly close every client socket but keep listening. */
  dropConnections(): void;
}

export async function startAmiServer(options: AmiServerOptions): Promise<AmiServer> {
  const hub = new AmiHub(options.core, options.users.map((user) => ({ ...user })));
  const sessions = new Set<AmiSession>();
  const sockets = new Set<Socket>();

  const server = createServer((socket) => {
    sockets.add(socket);
    const session = new AmiSession(socket, hub);
    sessions.add(session);
    socket.on('close', () => {
      sockets.delete(socket);
      sessions.delete(session);
    });
    session.start();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', () => {
    // After a successful listen, errors are per-connection and handled by the sessions.
  });

  const dropConnections = (): void => {
    for (const session of [...sessions]) session.destroy();
    for (const socket of [...sockets]) socket.destroy();
  };

  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    dropConnections,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        hub.stop();
        server.close(() => resolve());
        dropConnections();
      });
      return closing;
    },
  };
}
