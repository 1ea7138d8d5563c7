/**
 * What every bench host (desk-host.ts, sim-host.ts) and the bench say to each other over the IPC
 * channel, around each host's own requests and replies: a request carries an id and its reply the
 * same id; an event (something that happened in the host) has none.
 */
export interface RequestEnvelope<Request> {
  id: number;
  request: Request | CommonRequest;
}

export type ReplyEnvelope<Reply> = { id: number; reply: Reply | CommonReply } | { id: number; error: string };

export interface EventEnvelope<Event> {
  event: Event;
}

/** Requests every host answers. */
export type CommonRequest =
  /** Checks the clocks: the host answers with its `machineMs()`. */
  | { type: 'ping' }
  /** The host's event-loop delay since the last such request (or its start), then counted afresh. */
  | { type: 'loop-delay' };

export type CommonReply = { type: 'pong'; now: number } | { type: 'loop-delay'; p99Ms: number; maxMs: number };

/** A host prints this line on stdout once it listens for requests. */
export const HOST_READY_LINE = 'ready';
