/**
 * The host's side of a bench host (desk-host.ts, sim-host.ts): the bench's requests over the IPC
 * channel, each answered with its id, the common ones (clock check, event-loop delay) here; events
 * sent as they happen. On SIGTERM, or when the bench is gone (the channel closes), the host stops
 * what it runs and exits.
 */
import { watchLoopDelay } from './loop-delay.js';
import { machineMs } from './bench-clock.js';
import { HOST_READY_LINE, type CommonReply, type CommonRequest, type EventEnvelope, type ReplyEnvelope, type RequestEnvelope } from './host-messages.js';

const send = (message: unknown): void => {
  if (process.connected) process.send?.(message);
};

export interface HostHandlers<Request, Reply> {
  handle: (request: Request) => Promise<Reply>;
  /** Stops what the host runs before it exits. */
  stop: () => Promise<void> | void;
}

/** Serves the bench's requests; returns how the host sends an event. */
export function serveHost<Request extends { type: string }, Reply, Event>(handlers: HostHandlers<Request, Reply>): (event: Event) => void {
  const loopDelay = watchLoopDelay();
  const common = (request: CommonRequest): CommonReply => {
    if (request.type === 'ping') return { type: 'pong', now: machineMs() };
    const reply: CommonReply = { type: 'loop-delay', ...loopDelay.figures() };
    loopDelay.reset();
    return reply;
  };
  const isCommon = (request: Request | CommonRequest): request is CommonRequest => request.type === 'ping' || request.type === 'loop-delay';

  process.on('message', (raw: unknown) => {
    const { id, request } = raw as RequestEnvelope<Request>;
    const answer = isCommon(request) ? Promise.resolve(common(request)) : handlers.handle(request);
    answer.then(
      (reply) => send({ id, reply } satisfies ReplyEnvelope<Reply>),
      (error: unknown) => send({ id, error: error instanceof Error ? error.message : String(error) } satisfies ReplyEnvelope<Reply>),
    );
  });

  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    Promise.resolve()
      .then(() => handlers.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
          process.exit(1);
        },
      );
  };
  // SIGINT too: Ctrl-C in a terminal reaches the whole process group, the bench's children with it.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, exit);
  process.once('disconnect', exit);
  process.stdout.write(`${HOST_READY_LINE}\n`);
  return (event) => send({ event } satisfies EventEnvelope<Event>);
}
