/**
 * What the desk knows: the agent, their call, and the commands the server accepts now (`allowed`,
 * sent with every event — PROTOCOL.md). One object, changed only by the socket handling
 * (desk-socket.ts); the call bar, the pop and the panels re-render when it changes.
 */

export interface HistoryItem {
  ticketNumber: string;
  status: string;
  category: string | null;
  createdAt: string;
  content: string;
}

export interface AgentView {
  name: string;
  login: string;
  endpoint: string;
  state: string;
  reason: string | null;
  /** When the state began (epoch ms, page clock). */
  since: number;
  /** In 话后整理: when it ends (epoch ms, page clock), and whether it was extended (once only). */
  wrapUpUntil: number | null;
  wrapUpExtended: boolean;
}

export interface CallView {
  callId: string;
  ticketNumber: string;
  callerNumber: string;
  dialledNumber: string;
  hotline: string;
  mode: string;
  ivrChoices: { menu: string; digit: string | null; action: string }[];
  waitedSeconds: number | null;
  repeatCaller: boolean;
  history: HistoryItem[] | null;
  /** `offered`, `connected`, `held`, `consulting`, `conference`, `ended`. */
  state: string;
  /** When the talk began (epoch ms): the talk time runs through holds and consultations. */
  answeredAt: number | null;
  /** When the ring began or the call ended (epoch ms), for the ring time and the final talk time. */
  offeredAt: number;
  endedAt: number | null;
  note: string;
  muted: boolean;
  /**
   * The call's ticket is the agent's to register: once they answered, at once for a call they placed
   * (the server refuses the ticket to them while a queue call only rings).
   */
  ticketOwned: boolean;
  /** A call the agent placed; `missedCallId` when it returns a missed call (回拨). */
  outbound: boolean;
  missedCallId: number | null;
  /**
   * The agent is the colleague consulted in an attended transfer (咨询转接) and picked up: they talk
   * with the agent who consults them, the call is not theirs (until the transfer is completed to them).
   */
  consulted: boolean;
}

export interface DeskState {
  agent: AgentView | null;
  call: CallView | null;
  allowed: ReadonlySet<string>;
  /** The last call's ticket when the agent was set 示忙 because it is not registered yet. */
  unregisteredTicket: string | null;
}

export const desk: DeskState = { agent: null, call: null, allowed: new Set(), unregisteredTicket: null };

const listeners = new Set<() => void>();

/** Calls `listener` after every change of the desk's state. */
export function onDeskChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function deskChanged(): void {
  for (const listener of [...listeners]) listener();
}

export function isAllowed(type: string): boolean {
  return desk.allowed.has(type);
}

/** Forgets everything (logout). */
export function resetDesk(): void {
  desk.agent = null;
  desk.call = null;
  desk.allowed = new Set();
  desk.unregisteredTicket = null;
}
