/**
 * An agent's state machine: offline → (login) not_ready ⇄ ready → ringing → on_call → wrap_up → ready.
 * A missed ring sends the agent to not_ready (未接), so the next call is not offered to an empty seat.
 */
import type { AgentState } from '../events/domain-events.js';

export type AgentTrigger = 'login' | 'logout' | 'ready' | 'not-ready' | 'offer' | 'answer' | 'missed' | 'offer-cancelled' | 'call-end' | 'wrap-up-end';

const TRANSITIONS: Record<AgentState, Partial<Record<AgentTrigger, AgentState>>> = {
  offline: { login: 'not_ready' },
  not_ready: { ready: 'ready', 'not-ready': 'not_ready', logout: 'offline' },
  ready: { 'not-ready': 'not_ready', offer: 'ringing', logout: 'offline' },
  ringing: { answer: 'on_call', missed: 'not_ready', 'offer-cancelled': 'ready', logout: 'offline' },
  on_call: { 'call-end': 'wrap_up' },
  wrap_up: { 'wrap-up-end': 'ready', ready: 'ready', 'not-ready': 'not_ready', logout: 'offline' },
};

export function nextAgentState(from: AgentState, trigger: AgentTrigger): AgentState | undefined {
  return TRANSITIONS[from][trigger];
}
