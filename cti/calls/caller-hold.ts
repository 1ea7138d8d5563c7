/**
 * Puts the caller on hold the way Asterisk makes it private (recorded on a real Asterisk 22, runs 6b
 * and 8 of 2026-12-04): music on hold on a channel reaches only that channel, and its own audio still
 * reaches its bridge. So the caller gets the music on their own channel and then leaves the call's
 * bridge: they hear only the music, and nobody left in the bridge (the agent, or the agent's
 * consultation) hears them. Release puts them back and stops the music. Holding the agent's channel
 * instead would play the music to the agent and let the caller hear the agent's open microphone.
 */
import type { CallContext } from './call-context.js';

export class CallerHold {
  private held = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly channelId: string,
    private readonly bridge: () => string | null,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /**
   * A step Asterisk refuses undoes the one before it and rejects: the caller is then not on hold (the
   * music stopped if it had started, still in the bridge), so whoever asked can say so.
   */
  async hold(): Promise<void> {
    if (this.held) return;
    this.held = true;
    try {
      await this.ctx.ari.startMoh(this.channelId);
      const bridgeId = this.bridge();
      if (bridgeId) await this.ctx.ari.removeFromBridge(bridgeId, [this.channelId]);
    } catch (error) {
      this.held = false;
      await this.ctx.ari.stopMoh(this.channelId).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Back into the bridge, then the music stops. Refused on the way back into the bridge, the caller
   * is still on hold (it rejects, and `isHeld` stays true); once back in the bridge they are not, even
   * if the music could not be stopped (logged: they hear it over the call).
   */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    const bridgeId = this.bridge();
    // Back in the bridge first: the music covers the instant before the other side is heard.
    try {
      if (bridgeId) await this.ctx.ari.addToBridge(bridgeId, [this.channelId]);
    } catch (error) {
      this.held = true;
      throw error;
    }
    await this.ctx.ari.stopMoh(this.channelId).catch((error: unknown) => this.ctx.log.error({ err: error, channelId: this.channelId }, 'could not stop the music of a caller taken off hold'));
  }

  /** The call ended or moved on: only the music has to stop (the bridge is going away). */
  async stopMusic(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.ctx.ari.stopMoh(this.channelId).catch(() => undefined);
  }
}
