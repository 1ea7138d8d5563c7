/**
 * The Stasis application: a channel handed to an ARI app, from the dialplan (`Stasis(app,args)`),
 * an ARI originate with `app=`, ARI `channels/create`, a snoop, or a `move`.
 */
import { PbxError } from './api.js';
import type { Channel } from './channel.js';
import type { Pbx } from './pbx.js';

export type StasisExit = 'failed' | 'hangup' | 'continue';

export class StasisRunner {
  constructor(private readonly pbx: Pbx) {}

  /**
   * Run the app on the channel until it leaves: hangup, `continue`, or `move` (which re-enters
   * another app here). `fromDialplan`: the dialplan already published the Stasis application.
   */
  async run(ch: Channel, app: string, args: string[], fromDialplan: boolean): Promise<StasisExit> {
    const { pbx } = this;
    let currentApp = app;
    let currentArgs = args;
    // pbx_exec publishes the application before app_stasis runs (the dialplan loop already did).
    if (!fromDialplan) pbx.setApp(ch, 'Stasis', [currentApp, ...currentArgs].join(','));
    pbx.setVar(ch, 'STASISSTATUS', '');
    for (;;) {
      if (!pbx.apps.isRegistered(currentApp)) {
        pbx.log.warn(`pbx-sim: Stasis app '${currentApp}' not registered`);
        pbx.setVar(ch, 'STASISSTATUS', 'FAILED');
        return 'failed';
      }
      if (!fromDialplan) pbx.setApp(ch, 'Stasis', [currentApp, ...currentArgs].join(','));
      pbx.apps.subscribeChannel(currentApp, ch.id);
      ch.stasis = { app: currentApp, args: currentArgs };
      pbx.emit({ type: 'stasis.start', app: currentApp, args: currentArgs, channel: ch.snapshot() });
      if (ch.softHangup && !ch.stasis.exit) ch.stasis.exit = { kind: 'hangup' };
      while (!ch.stasis.exit) {
        await new Promise<void>((resolve) => {
          ch.addWaker(resolve);
        });
        if (ch.softHangup && !ch.stasis.exit) ch.stasis.exit = { kind: 'hangup' };
      }
      // Destroyed under us (a simulated restart): nothing more is said about it.
      if (ch.destroyed) return 'hangup';
      const exit = ch.stasis.exit;
      pbx.media.leavingStasis(ch);
      if (ch.bridge) pbx.bridging.leave(ch.bridge, ch);
      pbx.emit({ type: 'stasis.end', app: currentApp, channel: ch.snapshot() });
      pbx.apps.unsubscribeChannel(currentApp, ch.id);
      ch.stasis = undefined;
      if (exit.kind === 'move' && !ch.softHangup) {
        currentApp = exit.app;
        currentArgs = exit.args;
        fromDialplan = false;
        continue;
      }
      pbx.setVar(ch, 'STASISSTATUS', 'SUCCESS');
      return exit.kind === 'continue' && !ch.softHangup ? 'continue' : 'hangup';
    }
  }

  /** ARI `continue`: back to the dialplan at the given place (or the next priority). */
  continueInDialplan(ch: Channel, location: { context: string; exten: string; priority: number } | undefined): void {
    if (!ch.stasis) throw new PbxError('conflict', 'Channel not in Stasis application');
    if (location) ch.asyncGoto = location;
    ch.stasis.exit = { kind: 'continue' };
    ch.interrupt();
  }

  /** ARI `move`: leave this app for another. */
  move(ch: Channel, app: string, args: string[]): void {
    if (!ch.stasis) throw new PbxError('conflict', 'Channel not in Stasis application');
    ch.stasis.exit = { kind: 'move', app, args };
    ch.interrupt();
  }

  /** ARI snoop: a `Snoop/<id>-…` channel, up at once, entering `app`. */
  snoop(target: Channel, app: string, args: string[], spy: string, whisper: string, id?: string): Channel {
    const { pbx } = this;
    if (id !== undefined && pbx.channels.has(id)) throw new PbxError('conflict', 'Channel with given unique ID already exists');
    const snoop = pbx.createChannel({
      tech: 'Snoop',
      resource: target.id,
      state: 'Up',
      context: 'default',
      exten: 's',
      linkedId: target.linkedId,
      ...(id !== undefined ? { id } : {}),
    });
    snoop.snoopTarget = target;
    snoop.vars.set('SNOOP_SPY', spy);
    snoop.vars.set('SNOOP_WHISPER', whisper);
    snoop.owned = true;
    // The answer shows the channel before it enters the app (dialplan `default,s,1` with no
    // application: runs6-11-b/ari-run9-requests.txt); StasisStart follows.
    queueMicrotask(() => {
      this.run(snoop, app, args, false)
        .catch(() => 'hangup')
        .finally(() => pbx.destroyChannel(snoop));
    });
    return snoop;
  }
}
