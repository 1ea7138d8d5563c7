/** A free port on 127.0.0.1 to hand to a child process (the fault matrix's servers, the bench's children). */
import { createServer } from 'node:net';

/**
 * For a server process that must know its own address before it starts (the fault matrix's standby
 * advertises it, a killed server comes back on it; the bench tells its children theirs). Taken below
 * the kernel's ephemeral range (32768–60999 here): a port probed free there can be taken by any
 * outgoing connection (of the parallel test files, of the bench's desktops) before the server binds
 * it, which failed the takeover matrix with EADDRINUSE. Below it only another listener can hold one,
 * and the probe sees that.
 */
const FIXED_PORTS = { from: 20_000, count: 12_000 };

function listensOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = FIXED_PORTS.from + Math.floor(Math.random() * FIXED_PORTS.count);
    if (await listensOn(port)) return port;
  }
  throw new Error(`no free port between ${FIXED_PORTS.from} and ${FIXED_PORTS.from + FIXED_PORTS.count}`);
}
