/**
 * A caller who hangs up the instant the agent picks up: the simulator hangs them up when the server
 * asks for their call's bridge (`call-<id>`, made once the agent answered), and answers that request
 * only once the server has taken the call as ended — the race a real caller can win.
 */
import { eq } from 'drizzle-orm';
import { calls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import type { PbxSim } from '../pbx-sim/index.js';
import type { RunningServer } from '../../main.js';
import { waitFor } from './sim-client.js';

export class HangUpAtPickUp {
  private caller: string | null = null;

  /** `world`: the harness the hook runs in (read when a request comes, after the harness started). */
  constructor(private readonly world: () => { sim: PbxSim; server: RunningServer }) {}

  /** The simulator's `onAriAnswer` hook. */
  readonly onAriAnswer = async (request: AriRequestRecord): Promise<void> => {
    const name = request.query.find(([key]) => key === 'name')?.[1];
    if (this.caller === null || request.method !== 'POST' || request.path !== '/bridges' || name !== `call-${this.caller}`) return;
    const caller = this.caller;
    this.caller = null;
    const { sim, server } = this.world();
    sim.core.hangup(caller);
    await waitFor(async () => first(await server.store.db.select().from(calls).where(eq(calls.linkedId, caller)).limit(1))?.endedAt, 'the call ended');
  };

  /** The next pick-up of `callId` is the one the caller hangs up at. */
  arm(callId: string): void {
    this.caller = callId;
  }

  /** Waits until the armed caller has hung up at the bridge request. */
  async done(): Promise<void> {
    await waitFor(() => this.caller === null, 'the caller hung up at the bridge request', 10_000);
  }
}
