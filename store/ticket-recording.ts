/**
 * One recording of a ticket as the ticket's API answer lists it (store/repos/ticket-recordings.ts).
 * No imports: the pages that show the list (the agent's ticket form, the reports' 工单录音) take it as it is.
 */

export interface TicketRecording {
  /** The stored recording's name on the PBX (ARI `/recordings/stored/{name}`): what the ticket's `recording` holds. */
  name: string;
  startedAt: string;
  /** When the retention job removed it from the PBX (listed still, no longer to be fetched). */
  deletedAt: string | null;
  /** The agent who answered when it started; null when not known (recorded before agents were kept per recording). */
  agentId: number | null;
  agentLogin: string | null;
  agentName: string | null;
  /** The call it belongs to: its Asterisk linkedid, the `callId` of the desktop's messages. */
  callId: string;
  /** `original`: the ticket's own call; `callback`: a call that continued the ticket (回拨, 漏接回拨). */
  origin: 'original' | 'callback';
  /** The Asterisk node that holds it (null: the only node of the time). */
  node: string | null;
}
