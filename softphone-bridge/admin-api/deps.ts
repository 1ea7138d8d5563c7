/** What the admin API's resource plugins are given. */
import type { Db } from '../../store/index.js';
import type { Sessions } from '../auth/sessions.js';

/** The live agent registry (cti's AgentRegistry): re-read after agents, skills or expert seats change, asked who is on a call. */
export interface LiveAgents {
  reload(): Promise<void>;
  get(agentId: number): { state: string } | undefined;
}

export interface ResourceDeps {
  db: Db;
  agents: LiveAgents;
  /** Login sessions: an account change ends its holder's sessions. */
  sessions: Sessions;
}
