/**
 * How a citizen's call ends, and whether its caller goes on the missed-call (callback) list, 漏接回拨:
 * one rule for the call flow (InboundCall.finish, from what the call knows in memory) and for the
 * restart pass (cti/recovery/reconcile.ts closeRow, from what the call row says). Each side states
 * the facts in its own terms; the rule is here only.
 */
import type { CallOutcome } from '../../store/index.js';

export interface CallEndFacts {
  /** Turned away as blacklisted (骚扰号码): the blocked notice, not served. */
  blocked: boolean;
  /** With an outside line at the end (an IVR's or an agent's transfer out of the centre). */
  transferred: boolean;
  /** An agent or an outside line answered the caller at some time. */
  answered: boolean;
  /** Answered once, and waiting in line again at the end (put back in line): nobody serves them now. */
  backInLine: boolean;
  /** Reached the queue at some time. */
  queued: boolean;
  /**
   * Nobody saw the caller go: the PBX lost them while the server was away (an event socket down, a
   * restart). The centre cut them off, so a caller not served is called back even if never queued.
   */
  cutOff: boolean;
}

/**
 * The line a blacklisted caller's ticket gets when the call ends `blocked`: the ticket was opened
 * before the caller heard anything, and nobody will take or register it; its history says why.
 */
export const BLOCKED_TICKET_NOTE = '骚扰号码，已拒接';

export interface CallEnd {
  outcome: CallOutcome;
  /** The caller goes on the missed-call list. */
  callBack: boolean;
}

/**
 * `forced`: an outcome the flow sets itself (a failure ending the call). A blacklisted caller is
 * `blocked` (outside the KPIs) and never called back. An unanswered caller is called back once they
 * waited in line (one who hangs up in the greeting or the menus gave up before asking for anyone), or
 * when cut off. One answered and then put back in line who hangs up waiting was served (`answered`,
 * not 放弃: the KPIs count a call answered and never also abandoned); cut off while waiting again,
 * they were left waiting, so they are called back. Withheld numbers are listed too: the entry counts
 * the call the centre lost, though nobody can dial it.
 */
export function callEnd(facts: CallEndFacts, forced?: CallOutcome): CallEnd {
  const outcome: CallOutcome = forced ?? (facts.blocked ? 'blocked' : facts.transferred ? 'transferred' : facts.answered ? 'answered' : 'abandoned');
  const gaveUp = outcome === 'abandoned' && (facts.queued || facts.cutOff);
  const cutOffWaiting = outcome === 'answered' && facts.backInLine && facts.cutOff;
  return { outcome, callBack: gaveUp || cutOffWaiting };
}
