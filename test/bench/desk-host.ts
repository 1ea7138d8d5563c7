/**
 * The bench's agent desktops in a process of their own (started by desk-host-client.ts): thousands of
 * WebSockets kept in the bench process itself slowed its event loop, and with it the very timestamps
 * the pops are measured with. Here they log in, go ready when told, and report each first
 * `call.offered` on the machine's clock (bench-clock.ts), and count what they receive.
 */
import { AgentDesktop } from '../support/agent-desktop.js';
import { machineMs } from './bench-clock.js';
import type { DeskEvent, DeskReply, DeskRequest } from './desk-host-messages.js';
import { sleep } from './figures.js';
import { serveHost } from './host-serve.js';

const desks = new Map<string, AgentDesktop>();
const offered = new Set<string>();
const inbox = { messages: 0, bytes: 0, types: new Map<string, number>() };

async function login(serverUrl: string, exts: readonly string[], password: string, concurrency: number): Promise<DeskReply> {
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
            sendEvent({ type: 'offered', ext, at: machineMs(), callerNumber: String(message.callerNumber) });
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

const closeAll = (): void => {
  for (const desk of desks.values()) desk.close();
  desks.clear();
};

async function handle(request: DeskRequest): Promise<DeskReply> {
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
    case 'close':
      closeAll();
      return { type: 'result', ok: true };
  }
}

const sendEvent = serveHost<DeskRequest, DeskReply, DeskEvent>({ handle, stop: closeAll });
