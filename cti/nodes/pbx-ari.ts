/**
 * ARI over every Asterisk node, as one facade with the operations of a single node's
 * (`AriConnection`): the call flow asks for a channel, a bridge or a playback by id, and this sends
 * the request to the node that holds it. Events from every node arrive on one `event` stream, each
 * with the name of the node it came from; `connected`/`disconnected` name the node too.
 *
 * Where a new thing goes: a bridge or a leg is made on the node of the channel it is for (`near`), so
 * a call's media never leaves the caller's node. A leg to a phone registered on another node is
 * dialled through the inter-node trunk (`PJSIP/<ext>@internode-<node>`, asterisk-config's
 * pjsip_internode.conf), and the agent's node carries it to the phone.
 *
 * With one node every request goes straight to it.
 */
import { EventEmitter } from 'node:events';
import type { AriConnection } from '../ari/ari-connection.js';
import { AriError, type AriBridge, type AriChannel, type AriEvent, type AriPlayback, type OriginateParams } from '../ari/ari-types.js';
import type { Logger } from '../logging.js';
import { IdHomes, type IdKind } from './id-homes.js';

interface PbxAriEvents {
  event: [AriEvent, string];
  connected: [string];
  disconnected: [string];
}

export interface PbxNode {
  name: string;
  ari: AriConnection;
}

/** Where a leg is originated or a bridge made: beside this channel, or on this node. */
export interface Placement {
  near?: string;
  node?: string;
}

/** The trunk endpoint on one node that reaches another (asterisk-config/scripts/internode-config). */
export function internodeEndpoint(node: string): string {
  return `internode-${node}`;
}

const SWEEP_MS = 60_000;

export class PbxAri extends EventEmitter<PbxAriEvents> {
  private readonly nodes: PbxNode[];
  private readonly byName: Map<string, PbxNode>;
  private readonly homes: IdHomes;
  /** Where a phone (`PJSIP/1001`) is registered now (the agent registry knows; told by `locatePhonesWith`). */
  private locatePhone: (endpoint: string) => string | undefined = () => undefined;
  private readonly sweeper: NodeJS.Timeout;
  private readonly detach: (() => void)[] = [];

  constructor(nodes: PbxNode[], private readonly log: Logger) {
    super();
    if (nodes.length === 0) throw new Error('at least one Asterisk node is needed');
    this.nodes = nodes;
    this.byName = new Map(nodes.map((n) => [n.name, n]));
    this.homes = new IdHomes((kind, id, [was, now]) =>
      this.log.error({ kind, id, nodes: [was, now] }, 'the same id on two Asterisk nodes: give each node its own systemname in asterisk.conf'),
    );
    this.sweeper = setInterval(() => this.homes.sweep(), SWEEP_MS);
    this.sweeper.unref();
    for (const node of nodes) {
      const onEvent = (event: AriEvent) => {
        this.learnFrom(event, node.name);
        this.emit('event', event, node.name);
      };
      const onUp = () => this.emit('connected', node.name);
      const onDown = () => this.emit('disconnected', node.name);
      node.ari.on('event', onEvent);
      node.ari.on('connected', onUp);
      node.ari.on('disconnected', onDown);
      this.detach.push(() => {
        node.ari.off('event', onEvent);
        node.ari.off('connected', onUp);
        node.ari.off('disconnected', onDown);
      });
    }
  }

  get app(): string {
    return this.first().ari.app;
  }

  /** Every node's event socket is up. */
  get isConnected(): boolean {
    return this.nodes.every((n) => n.ari.isConnected);
  }

  /** Some node's event socket is up: something can be placed and followed. */
  get anyConnected(): boolean {
    return this.nodes.some((n) => n.ari.isConnected);
  }

  nodeNames(): string[] {
    return this.nodes.map((n) => n.name);
  }

  isNodeConnected(node: string): boolean {
    return this.byName.get(node)?.ari.isConnected ?? false;
  }

  /** The node a channel is on, when known. */
  nodeOf(channelId: string): string | undefined {
    if (this.nodes.length === 1) return this.first().name;
    return this.homes.nodeOf('channel', channelId);
  }

  /** Who knows where phones are registered (each node's presence reports, kept by the agent registry). */
  locatePhonesWith(locate: (endpoint: string) => string | undefined): void {
    this.locatePhone = locate;
  }

  /** Forgets where things of a node were (it restarted, or it is lost). */
  forgetNode(node: string): void {
    this.homes.forgetNode(node);
  }

  private first(): PbxNode {
    const [node] = this.nodes;
    if (!node) throw new Error('no Asterisk node');
    return node;
  }

  private node(name: string): PbxNode {
    const node = this.byName.get(name);
    if (!node) throw new AriError('request', `no Asterisk node named "${name}"`);
    return node;
  }

  private learnFrom(event: AriEvent, node: string): void {
    if (this.nodes.length === 1) return;
    switch (event.type) {
      case 'StasisStart':
        this.homes.learn('channel', event.channel.id, node);
        return;
      case 'StasisEnd':
      case 'ChannelDestroyed':
        this.homes.retire('channel', event.channel.id);
        return;
      case 'ChannelEnteredBridge':
        this.homes.learn('bridge', event.bridge.id, node);
        return;
      case 'BridgeDestroyed':
        this.homes.retire('bridge', event.bridge.id);
        return;
      case 'PlaybackFinished':
        this.homes.retire('playback', event.playback.id);
        return;
      default:
        return;
    }
  }

  /**
   * Runs a request on the node holding `id`. An id not known (made before this process started, or
   * forgotten) is looked for on each node in turn: a node that does not have it answers 404 and
   * changes nothing, as ids are unique across nodes. It is "not found" only when every node said so;
   * with a node unreachable, the error says that instead (a recording on a node that is down is not
   * gone).
   */
  private async onNode<T>(kind: IdKind, id: string, request: (ari: AriConnection) => Promise<T>): Promise<T> {
    if (this.nodes.length === 1) return request(this.first().ari);
    const home = this.homes.nodeOf(kind, id);
    if (home !== undefined) return request(this.node(home).ari);
    let unreachable: AriError | null = null;
    let notFound: AriError | null = null;
    for (const node of this.nodes) {
      // A node that is down is not asked (its requests would wait out their retries); it may hold the id.
      if (!node.ari.isConnected) {
        unreachable = new AriError('connection', `${kind} ${id}: Asterisk node ${node.name} is not connected`);
        continue;
      }
      try {
        const result = await request(node.ari);
        this.homes.learn(kind, id, node.name);
        return result;
      } catch (error) {
        if (error instanceof AriError && error.kind === 'not-found') notFound = error;
        else if (error instanceof AriError && error.kind === 'connection') unreachable = error;
        else throw error;
      }
    }
    throw unreachable ?? notFound ?? new AriError('not-found', `${kind} ${id} not found on any node`, 404);
  }

  /**
   * The node a new thing goes on: the one named, else beside `near`, else (a leg to a phone) where the
   * phone is registered, else the first node that is up.
   */
  private place(placement: Placement = {}, endpoint?: string): PbxNode {
    if (this.nodes.length === 1) return this.first();
    if (placement.node !== undefined) return this.node(placement.node);
    const near = placement.near === undefined ? undefined : this.homes.nodeOf('channel', placement.near);
    if (near !== undefined) return this.node(near);
    const home = endpoint === undefined ? undefined : this.locatePhone(endpoint);
    if (home !== undefined && this.byName.has(home)) return this.node(home);
    return this.nodes.find((n) => n.ari.isConnected) ?? this.first();
  }

  // ---- channels ----

  answer(channelId: string): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.answer(channelId));
  }

  hangup(channelId: string, reason?: 'normal' | 'busy' | 'congestion' | 'no_answer'): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.hangup(channelId, reason));
  }

  getChannel(channelId: string): Promise<AriChannel> {
    return this.onNode('channel', channelId, (ari) => ari.getChannel(channelId));
  }

  /** The channels of one node, or of every node that is up. */
  async listChannels(node?: string): Promise<AriChannel[]> {
    const lists = await Promise.all(
      this.targets(node).map(async (n) => {
        const channels = await n.ari.listChannels();
        for (const ch of channels) if (this.nodes.length > 1) this.homes.learn('channel', ch.id, n.name);
        return channels;
      }),
    );
    return lists.flat();
  }

  /**
   * Rings an endpoint. The leg is made beside `near` (the caller's channel) when given; a phone
   * registered on another node is reached through the trunk to that node.
   */
  async originate(params: OriginateParams & Placement): Promise<AriChannel> {
    const { near, node: named, ...request } = params;
    const node = this.place({ near, node: named }, request.endpoint);
    const endpoint = this.across(request.endpoint, node.name);
    if (request.channelId && this.nodes.length > 1) this.homes.learn('channel', request.channelId, node.name);
    const channel = await node.ari.originate({ ...request, endpoint });
    if (this.nodes.length > 1) this.homes.learn('channel', channel.id, node.name);
    return channel;
  }

  /** `PJSIP/1001` dialled from `from`, when 1001 is registered on another node: through the trunk to it. */
  private across(endpoint: string, from: string): string {
    if (this.nodes.length === 1) return endpoint;
    const phone = /^PJSIP\/([^/@]+)$/.exec(endpoint);
    if (!phone) return endpoint;
    const home = this.locatePhone(endpoint);
    if (!home || home === from || !this.byName.has(home)) return endpoint;
    return `PJSIP/${phone[1]}@${internodeEndpoint(home)}`;
  }

  async play(channelId: string, media: string[], playbackId: string, lang?: string): Promise<AriPlayback> {
    const playback = await this.onNode('channel', channelId, (ari) => ari.play(channelId, media, playbackId, lang));
    if (this.nodes.length > 1) {
      const home = this.homes.nodeOf('channel', channelId);
      if (home !== undefined) this.homes.learn('playback', playbackId, home);
    }
    return playback;
  }

  playbackExists(playbackId: string): Promise<boolean> {
    if (this.nodes.length === 1) return this.first().ari.playbackExists(playbackId);
    const home = this.homes.nodeOf('playback', playbackId);
    if (home !== undefined) return this.node(home).ari.playbackExists(playbackId);
    return this.anyNode((ari) => ari.playbackExists(playbackId));
  }

  stopPlayback(playbackId: string): Promise<void> {
    return this.onNode('playback', playbackId, (ari) => ari.stopPlayback(playbackId));
  }

  continueInDialplan(channelId: string, location: { context: string; extension: string }): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.continueInDialplan(channelId, location));
  }

  ring(channelId: string): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.ring(channelId));
  }

  hold(channelId: string): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.hold(channelId));
  }

  unhold(channelId: string): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.unhold(channelId));
  }

  startMoh(channelId: string, mohClass?: string): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.startMoh(channelId, mohClass));
  }

  stopMoh(channelId: string): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.stopMoh(channelId));
  }

  mute(channelId: string, direction?: 'in' | 'out' | 'both'): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.mute(channelId, direction));
  }

  unmute(channelId: string, direction?: 'in' | 'out' | 'both'): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.unmute(channelId, direction));
  }

  sendDtmf(channelId: string, dtmf: string): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.sendDtmf(channelId, dtmf));
  }

  setVariable(channelId: string, variable: string, value: string): Promise<void> {
    return this.onNode('channel', channelId, (ari) => ari.setVariable(channelId, variable, value));
  }

  getVariable(channelId: string, variable: string): Promise<string> {
    return this.onNode('channel', channelId, (ari) => ari.getVariable(channelId, variable));
  }

  async snoop(channelId: string, snoopId: string, spy: 'none' | 'in' | 'out' | 'both', whisper: 'none' | 'in' | 'out' | 'both', appArgs: string[]): Promise<void> {
    await this.onNode('channel', channelId, (ari) => ari.snoop(channelId, snoopId, spy, whisper, appArgs));
    const home = this.homes.nodeOf('channel', channelId);
    if (home !== undefined && this.nodes.length > 1) this.homes.learn('channel', snoopId, home);
  }

  // ---- bridges ----

  /** A bridge beside `near` (the channel it is made for), else on the first node that is up. */
  async createBridge(type: 'mixing' | 'holding', name: string, placement?: Placement): Promise<AriBridge> {
    const node = this.place(placement);
    const bridge = await node.ari.createBridge(type, name);
    if (this.nodes.length > 1) this.homes.learn('bridge', bridge.id, node.name);
    return bridge;
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.onNode('bridge', bridgeId, (ari) => ari.destroyBridge(bridgeId));
    if (this.nodes.length > 1) this.homes.retire('bridge', bridgeId);
  }

  addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.onNode('bridge', bridgeId, (ari) => ari.addToBridge(bridgeId, channelIds));
  }

  removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.onNode('bridge', bridgeId, (ari) => ari.removeFromBridge(bridgeId, channelIds));
  }

  /** The bridges of one node, or of every node that is up. */
  async listBridges(node?: string): Promise<AriBridge[]> {
    const lists = await Promise.all(
      this.targets(node).map(async (n) => {
        const bridges = await n.ari.listBridges();
        for (const b of bridges) if (this.nodes.length > 1) this.homes.learn('bridge', b.id, n.name);
        return bridges;
      }),
    );
    return lists.flat();
  }

  bridgeMoh(bridgeId: string, mohClass?: string): Promise<void> {
    return this.onNode('bridge', bridgeId, (ari) => ari.bridgeMoh(bridgeId, mohClass));
  }

  stopBridgeMoh(bridgeId: string): Promise<void> {
    return this.onNode('bridge', bridgeId, (ari) => ari.stopBridgeMoh(bridgeId));
  }

  async recordBridge(bridgeId: string, name: string): Promise<string> {
    const recording = await this.onNode('bridge', bridgeId, (ari) => ari.recordBridge(bridgeId, name));
    const home = this.homes.nodeOf('bridge', bridgeId);
    if (home !== undefined && this.nodes.length > 1) this.homes.learn('recording', recording, home);
    return recording;
  }

  stopLiveRecording(recordingName: string): Promise<void> {
    return this.onNode('recording', recordingName, (ari) => ari.stopLiveRecording(recordingName));
  }

  /** Deletes a stored recording on its node (`node` from the call's row), or wherever it is. */
  deleteStoredRecording(recordingName: string, node?: string | null): Promise<void> {
    if (node && this.byName.has(node)) return this.node(node).ari.deleteStoredRecording(recordingName);
    return this.onNode('recording', recordingName, (ari) => ari.deleteStoredRecording(recordingName));
  }

  /** One named node, or every node that is up. */
  private targets(node: string | undefined): PbxNode[] {
    if (node !== undefined) return [this.node(node)];
    return this.nodes.length === 1 ? this.nodes : this.nodes.filter((n) => n.ari.isConnected);
  }

  /** True when any node answers true. */
  private async anyNode(ask: (ari: AriConnection) => Promise<boolean>): Promise<boolean> {
    for (const node of this.nodes) if (node.ari.isConnected && (await ask(node.ari).catch(() => false))) return true;
    return false;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const undo of this.detach.splice(0)) undo();
    for (const node of this.nodes) node.ari.close();
  }
}
