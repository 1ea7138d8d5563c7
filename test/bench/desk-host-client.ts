/**
 * The bench's side of its desktop host (desk-host.ts, a forked child): requests answered in turn over
 * IPC, and each desktop's first `call.offered` handed to `onOffered` on this process's
 * `performance.now()` scale, so that it compares with the rings the simulators here time. The two
 * processes' clocks are set against each other by pings (the one with the shortest round trip), as
 * their `timeOrigin`s can differ by a millisecond — as much as a pop takes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { atCleanUp } from './children.js';
import type { HostReply, HostRequest } from './desk-host-messages.js';

type Answer = Exclude<HostReply, { type: 'offered' } | { type: 'started' }>;

export class DeskHost {
  onOffered: (ext: string, at: number, callerNumber: string) => void = () => undefined;
  private nextId = 1;
  /** The host's `performance.now()` minus this process's, at the same instant. */
  private offset = 0;
  private readonly waiting = new Map<number, (reply: Answer) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw: unknown) => {
      const reply = raw as HostReply & { id?: number };
      if (reply.type === 'offered') this.onOffered(reply.ext, reply.at - this.offset, reply.callerNumber);
      else if (reply.type !== 'started' && reply.id !== undefined) {
        this.waiting.get(reply.id)?.(reply);
        this.waiting.delete(reply.id);
      }
    });
  }

  /** Forks the host (the built desk-host.js beside this file) and waits until it listens. */
  static async start(): Promise<DeskHost> {
    const script = join(fileURLToPath(new URL('.', import.meta.url)), 'desk-host.js');
    const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    atCleanUp('the desktop host', () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the desktop host exited (${code ?? '?'}) before it started`)));
    });
    const host = new DeskHost(child);
    await host.syncClocks();
    return host;
  }

  private async syncClocks(): Promise<void> {
    let best = Infinity;
    for (let i = 0; i < 20; i++) {
      const sent = performance.now();
      const pong = await this.request({ type: 'ping' });
      const received = performance.now();
      if (pong.type !== 'pong' || received - sent >= best) continue;
      best = received - sent;
      this.offset = pong.now - (sent + received) / 2;
    }
  }

  request(message: HostRequest): Promise<Answer> {
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...message, id }, (error) => {
        if (error) reject(error);
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await exited;
  }
}
