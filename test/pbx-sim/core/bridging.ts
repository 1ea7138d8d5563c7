/**
 * Bridges: creation, channels entering and leaving, destruction, and the reconfiguration Asterisk
 * performs after each change (technology, BRIDGEPEER/BRIDGEPVTCALLID, connected line updates) in
 * the order the recordings show.
 */
import { PbxError } from './api.js';
import { Bridge } from './bridge.js';
import type { Channel } from './channel.js';
import { asteriskTime, uuid } from './ids.js';
import type { Pbx } from './pbx.js';

export interface EnterOptions {
  inhibitConnectedLine?: boolean;
}

export class Bridging {
  constructor(private readonly pbx: Pbx) {}

  create(opts: {
    id?: string;
    name: string;
    type: 'mixing' | 'holding';
    flags: string[];
    bridgeClass: 'stasis' | 'basic';
    creator: string;
    ownerApp?: string;
  }): Bridge {
    const { pbx } = this;
    const id = opts.id ?? uuid();
    if (pbx.bridges.has(id)) throw new PbxError('conflict', 'Bridge with the same bridgeId already exists');
    const bridge = new Bridge({
      id,
      name: opts.name,
      bridgeType: opts.type,
      bridgeClass: opts.bridgeClass,
      creator: opts.creator,
      creationTime: asteriskTime(),
      flags: opts.flags,
    });
    pbx.bridges.set(id, bridge);
    pbx.emit({ type: 'bridge.created', bridge: bridge.snapshot() });
    // The creating app subscribes after the bridge exists, so it never sees BridgeCreated.
    if (opts.ownerApp !== undefined) {
      bridge.ownerApp = opts.ownerApp;
      pbx.apps.subscribeBridge(opts.ownerApp, id);
    }
    return bridge;
  }

  destroy(bridge: Bridge): void {
    const { pbx } = this;
    if (bridge.destroyed) return;
    bridge.destroyed = true;
    // Deleting a bridge kicks every channel at once: all clear their peer variables, then all leave,
    // with no re-evaluation of the technology in between (runs6-11-b/ari-run9-events.jsonl).
    const members = [...bridge.channels];
    for (const ch of members) this.clearPeerVars(ch);
    for (const ch of members) this.pull(bridge, ch, true);
    pbx.media.bridgeGone(bridge);
    pbx.bridges.delete(bridge.id);
    // Nor is the app told about a mixing bridge deleted with channels in it (run 9: no
    // BridgeDestroyed after the call bridge was deleted with 3; one after the emptied listen bridge).
    if (members.length > 0) pbx.apps.forgetBridge(bridge.id);
    // The app is not told about a holding bridge going away: no BridgeDestroyed in
    // runs6-11-b/ari-run7-events.jsonl and ari-run7b-events.jsonl (AMI still sees BridgeDestroy).
    if (bridge.bridgeType === 'holding') pbx.apps.forgetBridge(bridge.id);
    pbx.emit({ type: 'bridge.destroyed', bridge: bridge.snapshot() });
    pbx.apps.forgetBridge(bridge.id);
  }

  enter(bridge: Bridge, ch: Channel, opts: EnterOptions): void {
    const { pbx } = this;
    if (ch.bridge === bridge || ch.destroyed || bridge.destroyed) return;
    if (ch.bridge) this.leave(ch.bridge, ch);
    bridge.channels.push(ch);
    ch.bridge = bridge;
    ch.ringIndicated = false;
    if (ch.stasis) pbx.apps.subscribeBridge(ch.stasis.app, bridge.id);
    pbx.emit({ type: 'bridge.enter', bridge: bridge.snapshot(), channel: ch.snapshot() });
    this.reconfigureAfterJoin(bridge, opts);
  }

  leave(bridge: Bridge, ch: Channel): void {
    if (!bridge.channels.includes(ch)) return;
    this.clearPeerVars(ch);
    this.pull(bridge, ch);
  }

  /**
   * A basic bridge breaking up (a party of a Dial() call hung up): every channel is kicked at once,
   * so all of them clear their peer variables before any leave event (ami-run2).
   */
  dissolve(bridge: Bridge): void {
    const members = [...bridge.channels];
    for (const ch of members) this.clearPeerVars(ch);
    for (const ch of members) this.pull(bridge, ch);
  }

  private clearPeerVars(ch: Channel): void {
    for (const v of ['BRIDGEPEER', 'BRIDGEPVTCALLID']) {
      if ((ch.vars.get(v) ?? '') !== '') this.pbx.setVar(ch, v, '');
    }
  }

  private pull(bridge: Bridge, ch: Channel, dissolving = false): void {
    const { pbx } = this;
    const i = bridge.channels.indexOf(ch);
    if (i < 0) return;
    bridge.channels.splice(i, 1);
    ch.bridge = undefined;
    pbx.emit({ type: 'bridge.leave', bridge: bridge.snapshot(), channel: ch.snapshot() });
    if (dissolving) {
      ch.interrupt();
      return;
    }
    bridge.technology = bridge.idealTechnology();
    if (bridge.bridgeType === 'mixing' && bridge.channels.length >= 2) this.peerRound(bridge, bridge.channels);
    ch.interrupt();
    // The other party of a basic (Dial) bridge notices it is alone; the Dial() that owns it dissolves it.
    if (bridge.bridgeClass === 'basic') for (const other of bridge.channels) other.interrupt();
  }

  /**
   * After a join: pick the technology and publish peer variables and connected lines. Two PJSIP
   * channels go native_rtp, which reconfigures twice more (pjsip-ari-events.jsonl); anything else
   * reconfigures once (ari-events.jsonl).
   */
  private reconfigureAfterJoin(bridge: Bridge, opts: EnterOptions): void {
    const chans = bridge.channels;
    const ideal = bridge.idealTechnology();
    if (bridge.bridgeType === 'holding') {
      bridge.technology = ideal;
      return;
    }
    if (chans.length === 2) {
      const [first, second] = chans as [Channel, Channel];
      if (ideal === 'native_rtp') {
        this.peerRound(bridge, [second, first]);
        bridge.technology = ideal;
        this.peerRound(bridge, [second, first]);
        if (!opts.inhibitConnectedLine) this.connectedLine(first, second);
        this.peerRound(bridge, [second, first]);
        if (!opts.inhibitConnectedLine) this.connectedLine(second, first);
      } else {
        bridge.technology = ideal;
        this.peerRound(bridge, [first, second]);
        if (!opts.inhibitConnectedLine) {
          this.connectedLine(second, first);
          this.connectedLine(first, second);
        }
      }
      return;
    }
    bridge.technology = ideal;
    if (chans.length > 2) this.peerRound(bridge, chans);
  }

  /** BRIDGEPEER (and BRIDGEPVTCALLID when the peer has a SIP Call-ID) for each channel in `order`. */
  private peerRound(bridge: Bridge, order: Channel[]): void {
    const { pbx } = this;
    for (const ch of order) {
      const others = bridge.channels.filter((c) => c !== ch);
      if (others.length === 0) continue;
      pbx.setVar(ch, 'BRIDGEPEER', others.map((c) => c.name).join(','));
      const only = others.length === 1 ? others[0] : undefined;
      if (only && only.tech === 'PJSIP') pbx.setVar(ch, 'BRIDGEPVTCALLID', only.protocolId);
    }
  }

  /** `ch` now shows `peer`'s caller as its connected line. */
  private connectedLine(ch: Channel, peer: Channel): void {
    this.pbx.setConnected(ch, peer.caller);
  }
}
