/**
 * The waiting line. Queued callers sit in their skill's holding bridge with music on hold and hear
 * their position every so often ("您前面还有N位"). Whenever a caller joins or an agent becomes free,
 * the ACD (routing/acd.ts) pairs callers with agents and the call is offered.
 */
import { randomUUID } from 'node:crypto';
import { PROMPTS } from '../../ivr/prompts.js';
import { assignCalls, isFreeAgent, overflowDueAt, type WaitingCaller } from '../../routing/acd.js';
import { AriError } from '../ari/ari-types.js';
import { KeyedCounts } from '../events/keyed-counts.js';
import type { CallContext } from '../calls/call-context.js';
import { mediaUri, PROMPT_LANGUAGE } from '../media/ari-media-port.js';

export interface QueueMember {
  callId: string;
  channelId: string;
  /** Rings the agent; resolves true when the call was connected, false when it goes on waiting. */
  offerTo(agentId: number): Promise<boolean>;
  /** The call is over (the caller may hang up while `join` still waits for the PBX). */
  readonly hasEnded: boolean;
}

interface Entry {
  member: QueueMember;
  bridgeId: string;
  /** The Asterisk node the caller is on. */
  node: string;
  waiting: WaitingCaller;
  skillCode: string;
  offering: boolean;
  announcer: NodeJS.Timeout;
  /**
   * Fires when the overflow wait is over, so overflow agents are tried even if no agent's state changes.
   * Re-armed when an admin changes the wait (`overflowWaitChanged`).
   */
  overflow: NodeJS.Timeout | null;
}

/** A holding bridge's key: its node and its skill. */
function lineKey(node: string, skillCode: string): string {
  return `${node}/${skillCode}`;
}

function nodeOfKey(key: string): string {
  return key.slice(0, key.indexOf('/'));
}

function stopTimers(entry: Entry): void {
  clearInterval(entry.announcer);
  if (entry.overflow) clearTimeout(entry.overflow);
}

/** A place in line kept across a server restart: since when, and the holding bridge the caller is already in. */
export interface QueuePlace {
  queuedAtMs: number;
  bridgeId: string | null;
}

export class CallQueue {
  private readonly entries = new Map<string, Entry>();
  /** One holding bridge per node and skill (a caller waits on their own node), by `lineKey`. */
  private readonly holdingBridges = new Map<string, Promise<string>>();
  /** Callers on their way into a holding bridge, per node and skill. */
  private readonly joining = new KeyedCounts<string>();
  /** The same callers by skill id (an admin may not delete a skill they are about to wait for). */
  private readonly joiningSkills = new KeyedCounts<number>();
  private readonly stopListening: () => void;
  /** While reconciling with the PBX, nobody is offered a call (the line is being rebuilt). */
  private paused = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly overflowSkillIds: (skillId: number) => Promise<number[]>,
  ) {
    this.stopListening = ctx.agents.onAvailabilityChange(() => this.dispatch());
  }

  /**
   * Callers waiting for a skill, first in line first (for the wallboard, position prompts and the admin
   * API). By id: an admin may rename the code while they wait, and they still wait for that skill.
   */
  waitingForSkill(skillId: number): QueueMember[] {
    return this.ordered()
      .filter((e) => e.waiting.skillId === skillId)
      .map((e) => e.member);
  }

  /** Callers waiting for a skill, or on their way into its line. */
  callersFor(skillId: number): number {
    return this.waitingForSkill(skillId).length + this.joiningSkills.count(skillId);
  }

  /**
   * Counts a caller as on their way into `skillId`'s line until the returned function is called: one
   * hearing a notice before joining (transfer-failed), so the skill cannot be deleted from under them.
   */
  expect(skillId: number): () => void {
    return this.joiningSkills.hold(skillId);
  }

  size(): number {
    return this.entries.size;
  }

  async join(member: QueueMember, skill: { id: number; code: string }, priority: number, place?: QueuePlace): Promise<void> {
    // Counted while the PBX is asked, so that a shutdown meanwhile does not remove the bridge under the caller.
    const key = lineKey(this.nodeOf(member), skill.code);
    const leaveLine = this.joining.hold(key);
    const leaveSkill = this.joiningSkills.hold(skill.id);
    try {
      await this.enter(member, skill, priority, place);
    } finally {
      leaveLine();
      leaveSkill();
    }
  }

  private async enter(member: QueueMember, skill: { id: number; code: string }, priority: number, place?: QueuePlace): Promise<void> {
    // Read before the PBX is asked: the check that the caller is still there comes after every wait.
    const overflowSkillIds = await this.overflowSkillIds(skill.id);
    const node = this.nodeOf(member);
    const used = this.holdingBridge(node, skill.code);
    let bridgeId = await used;
    try {
      if (place?.bridgeId !== bridgeId) await this.ctx.ari.addToBridge(bridgeId, [member.channelId]);
    } catch (error) {
      const status = error instanceof AriError ? error.status : undefined;
      // The caller left (hung up: 400 "Channel not found"; out of the application: 422) while the PBX was
      // being asked. The shared bridge is fine and keeps the others waiting in it: nothing to queue.
      if (member.hasEnded || status === 400 || status === 422) {
        this.ctx.log.debug({ callId: member.callId, skill: skill.code, err: (error as Error).message }, 'caller gone before reaching the holding bridge');
        return;
      }
      if (status !== 404) throw error;
      // The holding bridge itself is gone (404: the PBX restarted): make a new one once, then give up loudly.
      this.ctx.log.warn({ skill: skill.code, err: (error as Error).message }, 'holding bridge unusable; making a new one');
      // Callers who find it gone at the same time share one new bridge.
      if (this.holdingBridges.get(lineKey(node, skill.code)) === used) this.holdingBridges.delete(lineKey(node, skill.code));
      bridgeId = await this.holdingBridge(node, skill.code);
      await this.ctx.ari.addToBridge(bridgeId, [member.channelId]);
    }
    // The caller hung up while the PBX was being asked: their call already left the line for good.
    if (member.hasEnded) return;
    const entry: Entry = {
      member,
      bridgeId,
      node,
      skillCode: skill.code,
      offering: false,
      waiting: {
        callId: member.callId,
        skillId: skill.id,
        overflowSkillIds,
        overflowAfterMs: this.ctx.settings.overflowAfterMs,
        priority,
        queuedAt: place?.queuedAtMs ?? this.ctx.clock.now().getTime(),
        node,
      },
      announcer: setInterval(() => this.announcePosition(member.callId), this.ctx.settings.positionAnnounceMs),
      overflow: null,
    };
    this.armOverflow(entry);
    this.entries.set(member.callId, entry);
    this.dispatch();
  }

  /** Takes a caller out of the line (answered, hung up, transferred). Safe to call twice. */
  leave(callId: string): void {
    const entry = this.entries.get(callId);
    if (!entry) return;
    stopTimers(entry);
    this.entries.delete(callId);
  }

  /** Takes the caller out of the holding bridge and out of the line, to be connected elsewhere. */
  async release(callId: string): Promise<void> {
    const entry = this.entries.get(callId);
    if (!entry) return;
    this.leave(callId);
    await this.ctx.ari.removeFromBridge(entry.bridgeId, [entry.member.channelId]).catch((error: unknown) => {
      this.ctx.log.debug({ callId, err: (error as Error).message }, 'caller already out of the holding bridge');
    });
  }

  /**
   * An admin changed the overflow wait: it applies to the callers already waiting too, counted from
   * when each joined. One who has waited longer may be offered to an overflow agent now; a longer wait
   * holds back one who had not overflowed yet.
   */
  overflowWaitChanged(): void {
    const overflowAfterMs = this.ctx.settings.overflowAfterMs;
    for (const entry of this.entries.values()) {
      entry.waiting.overflowAfterMs = overflowAfterMs;
      this.armOverflow(entry);
    }
    this.dispatch();
  }

  /** (Re-)arms the caller's overflow timer for when their overflow wait is over (at once if it already is). */
  private armOverflow(entry: Entry): void {
    if (entry.overflow) clearTimeout(entry.overflow);
    entry.overflow = null;
    if (entry.waiting.overflowSkillIds.length === 0) return;
    const due = overflowDueAt(entry.waiting) - this.ctx.clock.now().getTime();
    entry.overflow = setTimeout(() => this.dispatch(), Math.max(0, due) + 1);
  }

  queuedAt(callId: string): number | undefined {
    return this.entries.get(callId)?.waiting.queuedAt;
  }

  /** Pairs waiting callers with free agents and rings them. */
  dispatch(): void {
    if (this.paused) return;
    const agents = this.ctx.agents.availability();
    // Nobody to ring: nothing to sort (with a thousand callers waiting, every arrival would sort them all).
    if (!agents.some(isFreeAgent)) return;
    // Nobody is rung through a node whose link is down: the offer could not go out, and its callers
    // are taken up again by the reconciliation when it is back (which offers them then).
    const free = [...this.entries.values()].filter((e) => !e.offering && this.ctx.ari.isNodeConnected(e.node));
    if (free.length === 0) return;
    const assignments = assignCalls(
      free.map((e) => e.waiting),
      agents,
      this.ctx.clock.now().getTime(),
    );
    for (const { callId, agentId } of assignments) {
      const entry = this.entries.get(callId);
      if (!entry) continue;
      entry.offering = true;
      entry.member.offerTo(agentId).then(
        (connected) => {
          entry.offering = false;
          // A call that is over never waits again (else the same pairing would be tried forever).
          if (connected || entry.member.hasEnded) this.leave(callId);
          this.dispatch();
        },
        (error: unknown) => {
          entry.offering = false;
          // A caller who hung up during the offer is no failure of the server.
          if (entry.member.hasEnded) {
            this.leave(callId);
            this.ctx.log.debug({ callId, err: (error as Error).message }, 'offer ended: the caller is gone');
          } else {
            this.ctx.log.error({ err: error, callId }, 'offer failed');
          }
          this.dispatch();
        },
      );
    }
  }

  private ordered(): Entry[] {
    return [...this.entries.values()].sort(
      (a, b) => b.waiting.priority - a.waiting.priority || a.waiting.queuedAt - b.waiting.queuedAt,
    );
  }

  private announcePosition(callId: string): void {
    const entry = this.entries.get(callId);
    if (!entry || entry.offering) return;
    const ahead = this.waitingForSkill(entry.waiting.skillId).findIndex((m) => m.callId === callId);
    if (ahead < 0) return;
    const prompts = [PROMPTS.queuePositionAhead, `number:${ahead}`, PROMPTS.queuePositionCallers].map(mediaUri);
    this.ctx.ari.play(entry.member.channelId, prompts, randomUUID(), PROMPT_LANGUAGE).catch((error: unknown) => {
      this.ctx.log.debug({ callId, err: (error as Error).message }, 'position prompt not played');
    });
  }

  /** The node the caller's channel is on (the first node while not known, e.g. with one node). */
  private nodeOf(member: QueueMember): string {
    return this.ctx.ari.nodeOf(member.channelId) ?? this.ctx.ari.nodeNames()[0] ?? '';
  }

  /** One holding bridge per node and skill, with music on hold; recreated if the PBX lost it. */
  private holdingBridge(node: string, skillCode: string): Promise<string> {
    const key = lineKey(node, skillCode);
    let bridge = this.holdingBridges.get(key);
    if (!bridge) {
      bridge = (async () => {
        const created = await this.ctx.ari.createBridge('holding', `queue-${skillCode}`, { node });
        await this.ctx.ari.bridgeMoh(created.id);
        return created.id;
      })();
      bridge.catch(() => this.holdingBridges.delete(key));
      this.holdingBridges.set(key, bridge);
    }
    return bridge;
  }

  /** Forget a node's bridges (after it restarted: they are gone). */
  forgetBridges(node: string): void {
    for (const key of [...this.holdingBridges.keys()]) if (nodeOfKey(key) === node) this.holdingBridges.delete(key);
  }

  /** The node still has this skill's holding bridge (found after a restart): use it instead of making another. */
  adoptHoldingBridge(node: string, skillCode: string, bridgeId: string): void {
    this.holdingBridges.set(lineKey(node, skillCode), Promise.resolve(bridgeId));
  }

  /** Holds offers while the line is rebuilt after a restart; `resume` offers again. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.dispatch();
  }

  /**
   * On shutdown: destroys the holding bridges nobody waits in, so the application leaves nothing behind
   * on the PBX. A bridge with callers in it stays (they keep hearing music, and the next start adopts it).
   */
  async releaseIdleBridges(): Promise<void> {
    const busy = new Set([...this.entries.values()].map((e) => lineKey(e.node, e.skillCode)).concat([...this.joining.keys()]));
    const idle = [...this.holdingBridges].filter(([key]) => !busy.has(key));
    await Promise.all(
      idle.map(async ([key, bridge]) => {
        this.holdingBridges.delete(key);
        try {
          await this.ctx.ari.destroyBridge(await bridge);
        } catch (error) {
          this.ctx.log.warn({ line: key, err: (error as Error).message }, 'holding bridge not removed on shutdown');
        }
      }),
    );
  }

  close(): void {
    this.stopListening();
    for (const entry of this.entries.values()) stopTimers(entry);
    this.entries.clear();
  }
}
