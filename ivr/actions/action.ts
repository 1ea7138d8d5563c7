/** The small base every IVR action file implements. */
import type { MediaPort } from '../media-port.js';
import type { IvrAction, IvrMenu } from '../menu-schema.js';

/** Where a caller leaves the IVR. */
export type IvrOutcome = { kind: 'queue'; skill: string } | { kind: 'transfer'; target: string };

/** One choice the caller made, for the agent's screen-pop. */
export interface IvrStep {
  menu: string;
  digit: string | null;
  action: IvrAction['type'] | 'invalid' | 'timeout';
}

export interface TicketStatusLookup {
  /** The ticket with this number, if any; the IVR decides what the caller may hear. */
  (ticketNumber: string): Promise<{ callerNumber: string; status: string } | undefined> | { callerNumber: string; status: string } | undefined;
}

export interface ActionContext {
  port: MediaPort;
  menus: ReadonlyMap<string, IvrMenu>;
  callerNumber: string;
  lookupTicket: TicketStatusLookup;
}

export type ActionResult = { next: 'exit'; outcome: IvrOutcome } | { next: 'menu'; menu: string } | { next: 'repeat' };

export interface IvrActionHandler<A extends IvrAction> {
  run(action: A, context: ActionContext): Promise<ActionResult>;
}
