/**
 * The bench's side of a bench host (desk-host.ts, sim-host.ts): the host is a child process with an
 * IPC channel (children.ts: SIGTERM, then SIGKILL, at clean-up or on `stop`); requests answered by
 * id, events handed to `onEvent`, and every request still waiting rejected if the host exits.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineMs } from './bench-clock.js';
import { startChild, type BenchChild } from './children.js';
import { HOST_READY_LINE, type CommonReply, type CommonRequest, type EventEnvelope, type ReplyEnvelope, type RequestEnvelope } from './host-messages.js';

/** How far a host's clock was from the bench's at the best of a few pings, and that ping's round trip. */
export interface ClockCheck {
  offsetMs: number;
  roundTripMs: number;
}

export class HostClient<Request extends { type: string }, Reply, Event> {
  onEvent: (event: Event) => void = () => undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: Reply | CommonReply) => void; reject: (error: Error) => void }>();

  private constructor(readonly child: BenchChild) {
    child.onMessage((raw: unknown) => {
      const message = raw as ReplyEnvelope<Reply> | EventEnvelope<Event>;
      if ('event' in message) {
        this.onEvent(message.event);
        return;
      }
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if ('error' in message) waiter?.reject(new Error(`${child.name}: ${message.error}`));
      else waiter?.resolve(message.reply);
    });
    void child.exited().then(() => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`${child.name} exited (${child.exit ?? '?'})`));
      this.waiting.clear();
    });
  }

  /** Starts the built `<script>.js` beside this file and waits until it listens. Registered for clean-up. */
  static async start<Request extends { type: string }, Reply, Event>(name: string, script: string): Promise<HostClient<Request, Reply, Event>> {
    const path = join(fileURLToPath(new URL('.', import.meta.url)), `${script}.js`);
    const child = startChild(
      name,
      path,
      process.env,
      (stream, line) => {
        if (stream === 'stderr' || line !== HOST_READY_LINE) process.stderr.write(`${name}: ${line}\n`);
      },
      { ipc: true },
    );
    const host = new HostClient<Request, Reply, Event>(child);
    await child.waitForLine(new RegExp(`^${HOST_READY_LINE}$`), 30_000);
    return host;
  }

  request(request: Request): Promise<Reply>;
  request(request: CommonRequest): Promise<CommonReply>;
  request(request: Request | CommonRequest): Promise<Reply | CommonReply> {
    const id = this.nextId++;
    return new Promise<Reply | CommonReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, request } satisfies RequestEnvelope<Request>).catch((error: unknown) => {
        this.waiting.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  /**
   * Both processes time on the machine's monotonic clock (bench-clock.ts), so the offset should be
   * within half the round trip of zero: checked with the ping of the shortest round trip.
   */
  async clockCheck(pings = 20): Promise<ClockCheck> {
    let best: ClockCheck = { offsetMs: NaN, roundTripMs: Infinity };
    for (let i = 0; i < pings; i++) {
      const sent = machineMs();
      const pong = await this.request({ type: 'ping' });
      const received = machineMs();
      if (pong.type === 'pong' && received - sent < best.roundTripMs) best = { offsetMs: pong.now - (sent + received) / 2, roundTripMs: received - sent };
    }
    return best;
  }

  /** The host's event-loop delay p99 and max (ms) since the last call (or its start). */
  async loopDelay(): Promise<{ p99Ms: number; maxMs: number }> {
    const reply = await this.request({ type: 'loop-delay' });
    return reply.type === 'loop-delay' ? reply : { p99Ms: NaN, maxMs: NaN };
  }

  /** SIGTERM (the host stops what it runs and exits), SIGKILL after the grace period; how it went. */
  stop(): Promise<string> {
    return this.child.stop();
  }
}
