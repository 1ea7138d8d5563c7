/** What every live call needs to reach: the PBX, the store, the bus, the agents, the queue. */
import type { Clock, Db } from '../../store/index.js';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { PbxAri } from '../nodes/pbx-ari.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { Logger } from '../logging.js';
import type { ChannelEventRouter } from '../stasis/channel-events.js';
import type { CallWrites } from './call-writes.js';
import type { DiallingNumbers } from './dialling-numbers.js';
import type { RingingLegs } from './ringing-legs.js';

export interface CallSettings {
  /** Seconds an agent's phone rings before the call goes to the next agent. */
  ringTimeoutSeconds: number;
  /** How often a waiting caller hears their position. */
  positionAnnounceMs: number;
  /** After how long in queue the overflow skills may serve a caller. */
  overflowAfterMs: number;
  /** Seconds of 话后整理 after a call. */
  wrapUpSeconds: number;
  /** `remind`: a wrap-up ending with the call's ticket unregistered sets the agent 示忙 (工单未登记), not ready. */
  wrapUpTicketCheck: 'remind' | 'off';
  /** Stasis application name (agent legs are originated into it). */
  app: string;
}

export const DEFAULT_CALL_SETTINGS: Omit<CallSettings, 'app'> = {
  ringTimeoutSeconds: 15,
  positionAnnounceMs: 30_000,
  overflowAfterMs: 60_000,
  wrapUpSeconds: 15,
  wrapUpTicketCheck: 'remind',
};

export interface CallContext {
  ari: PbxAri;
  db: Db;
  bus: DomainEventBus;
  router: ChannelEventRouter;
  agents: AgentRegistry;
  log: Logger;
  settings: CallSettings;
  /** Every instant a call flow reads (arrival, waits, timestamps). */
  clock: Clock;
  /** The calls' progress writes, in order per call (call-writes.ts). */
  writes: CallWrites;
  /** The legs ringing now, rechecked after an ARI reconnect (ringing-legs.ts). */
  rings: RingingLegs;
  /** The citizens' numbers an agent's 回拨/外呼 or the automatic missed-call callback is calling now (dialling-numbers.ts). */
  dialling: DiallingNumbers;
  /**
   * Whether a citizen calling from `number` is on a call with the centre now (in the menus, waiting in
   * line, talking to an agent): the automatic callbacks do not ring them then.
   */
  onTheLine(number: string): boolean;
}
