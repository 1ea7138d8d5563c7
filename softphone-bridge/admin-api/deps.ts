/** What the admin API's resource plugins are given. */
import type { Db } from '../../store/index.js';
import type { Sessions } from '../auth/sessions.js';

/** The live agent registry (cti's AgentRegistry): re-read after agents, skills or expert seats change, asked who is on a call. */
export interface LiveAgents {
  reload(): Promise<void>;
  get(agentId: number): { state: string } | undefined;
}

/** The live waiting line (cti's CallQueue): asked who waits for a skill before the skill may go. */
export interface LiveQueue {
  /** Callers waiting for the skill, or on their way into its line. */
  callersFor(skillId: number): number;
}

export interface ResourceDeps {
  db: Db;
  agents: LiveAgents;
  queue: LiveQueue;
  /** Login sessions: an account change ends its holder's sessions. */
  sessions: Sessions;
}
