/**
 * The Chinese names of agent and call states, for every message an agent or supervisor reads (a
 * refusal never shows `not_ready` or `consulting`), from the one table the pages use too.
 */
import type { AgentState } from './events/domain-events.js';
import type { CallState } from './calls/call-state-machine.js';
import { AGENT_STATE_NAMES, CALL_STATE_NAMES } from './state-names.js';

// Typed by the states, so a state without a name fails to compile.
const AGENT_STATE_LABELS: Record<AgentState, string> = AGENT_STATE_NAMES;
const CALL_STATE_LABELS: Record<CallState, string> = CALL_STATE_NAMES;

export const agentStateLabel = (state: AgentState): string => AGENT_STATE_LABELS[state];
export const callStateLabel = (state: CallState): string => CALL_STATE_LABELS[state];
