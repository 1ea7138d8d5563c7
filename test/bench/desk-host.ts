/**
 * The bench's agent desktops in a process of their own (forked by desk-host-client.ts): thousands of
 * WebSockets kept in the bench process itself slowed its event loop, and with it the very timestamps
 * the pops are measured with. Here they log in, go ready when told, and report each first
 * `call.offered` at this process's `performance.now()` (the bench measures the offset of the two
 * clocks first), and count what they receive.
 */
import { performance } from 'node:perf_hooks';
import { AgentDesktop } from '../support/agent-desktop.js';
import type { HostReply, HostRequest } from './desk-host-messages.js';
import { sleep } from './figures.js';

const desks = new Map<string, AgentDesktop>();
const offered = new Set<string>();
const inbox = { messages: 0, bytes: 0, types: new Map<string, number>() };

/** A reply carries the id of the request it answers. */
const send = (message: HostReply & { id?: number }): void => {
  process.send?.(message);
};

async function login(serverUrl: string, exts: readonly string[], password: string, concurrency: number): Promise<HostReply> {
  let next = 0;
  let failure: string | undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < exts.length; i = next++) {
        const ext = exts[i] ?? '';
        let desk: AgentDesktop;
        try {
          desk = await AgentDesktop.login(serverUrl, ext, password);
        } catch (error) {
          // E.g. a socket beyond the server's limit: no more logins, the phase goes on with what it has.
          failure ??= `${ext}: ${error instanceof Error ? error.message : String(error)}`;
          next = exts.length;
          break;
        }
        desks.set(ext, desk);
        desk.onMessage = (message) => {
          inbox.messages += 1;
          inbox.bytes += Buffer.byteLength(JSON.stringify(message));
          inbox.types.set(message.type, (inbox.types.get(message.type) ?? 0) + 1);
          if (message.type === 'call.offered' && !offered.has(ext)) {
            offered.add(ext);
            send({ type: 'offered', ext, at: performance.now(), callerNumber: String(message.callerNumber) });
          }
        };
      }
    }),
  );
  // A socket beyond the server's limit is closed at once (4429), after a login that succeeded.
  await sleep(200);
  const all = [...desks.values()];
  return {
    type: 'logged-in',
    loggedIn: all.length,
    refused: all.filter((d) => d.closeCode !== null).length,
    notReady: all.filter((d) => (d.received.find((m) => m.type === 'hello')?.agent as { state?: string } | undefined)?.state === 'not_ready').length,
    ...(failure ? { failure } : {}),
  };
}

async function handle(request: HostRequest): Promise<HostReply> {
  switch (request.type) {
    case 'login':
      return login(request.serverUrl, request.exts, request.password, request.concurrency);
    case 'ready': {
      const desk = desks.get(request.ext);
      if (!desk) return { type: 'result', ok: false, error: `no desktop ${request.ext}` };
      const result = await desk.command('agent.ready');
      return { type: 'result', ok: result.ok === true, ...(result.ok === true ? {} : { error: String(result.error) }) };
    }
    case 'inbox-reset':
      inbox.messages = 0;
      inbox.bytes = 0;
      inbox.types.clear();
      return { type: 'result', ok: true };
    case 'inbox':
      return { type: 'inbox', messages: inbox.messages, bytes: inbox.bytes, types: [...inbox.types] };
    case 'ping':
      return { type: 'pong', now: performance.now() };
    case 'close':
      for (const desk of desks.values()) desk.close();
      desks.clear();
      return { type: 'result', ok: true };
  }
}

process.on('message', (raw: unknown) => {
  const request = raw as HostRequest & { id: number };
  handle(request).then(
    (reply) => send({ ...reply, id: request.id }),
    (error: unknown) => send({ type: 'result', ok: false, error: error instanceof Error ? error.message : String(error), id: request.id }),
  );
});
process.on('disconnect', () => {
  for (const desk of desks.values()) desk.close();
  process.exit(0);
});
send({ type: 'started' });
