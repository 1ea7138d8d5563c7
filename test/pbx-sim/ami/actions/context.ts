/** What an action handler gets: the request, its session, the shared hub, and a way to answer. */
import type { AmiField, AmiMessage } from '../frame.js';
import type { AmiHub } from '../hub.js';
import type { AmiSession } from '../session.js';

export interface ActionContext {
  readonly message: AmiMessage;
  readonly session: AmiSession;
  readonly hub: AmiHub;
  /** Write one frame to this session, bypassing the event queue. */
  send(fields: readonly AmiField[]): void;
}

/** Handlers may be async (sync Originate waits for the answer); the session waits for them. */
export type ActionHandler = (ctx: ActionContext) => void | Promise<void>;
