/**
 * A scriptable PbxCore for the AMI front end's own tests: channels, bridges and endpoints are set
 * directly, events are emitted by hand, and originate's outcome is chosen per call.
 */
import type { ContactSnapshot, OriginateOutcome, OriginateRequest, PbxCore } from '../../core/api.js';
import { PbxError } from '../../core/api.js';
import type { BridgeSnapshot, ChannelSnapshot, EndpointSnapshot, PbxEvent, PbxEventDelivery } from '../../core/events.js';

export function makeChannel(overrides: Partial<ChannelSnapshot> & { name: string; id: string }): ChannelSnapshot {
  return {
    linkedId: overrides.id,
    state: 'Up',
    caller: { name: '', number: '' },
    connected: { name: '', number: '' },
    accountCode: '',
    dialplan: { context: 'default', exten: 's', priority: 1, appName: '', appData: '' },
    creationTime: new Date().toISOString().replace('Z', '+0000'),
    language: 'en',
    protocolId: '',
    ...overrides,
  };
}

export function makeBridge(overrides: Partial<BridgeSnapshot> & { id: string }): BridgeSnapshot {
  return {
    technology: 'simple_bridge',
    bridgeType: 'mixing',
    bridgeClass: 'basic',
    creator: '',
    name: '',
    channelIds: [],
    creationTime: new Date().toISOString().replace('Z', '+0000'),
    videoMode: 'none',
    ...overrides,
  };
}

export interface RecordedCall {
  method: 'originate' | 'redirect' | 'hangup' | 'setVariable';
  args: unknown[];
}

export class FakeCore implements PbxCore {
  readonly version = '22.10.1';
  readonly systemName = '';
  readonly channels = new Map<string, ChannelSnapshot>();
  readonly bridges = new Map<string, BridgeSnapshot>();
  endpoints: EndpointSnapshot[] = [];
  readonly variables = new Map<string, string>();
  readonly calls: RecordedCall[] = [];
  /** Set to offer the optional contact listing. */
  listContacts?: () => ContactSnapshot[];
  /** What the next originate does: answer, fail with a reason, or throw (unknown endpoint). */
  originateBehaviour: { answered: boolean; reason: number } | 'throw' = { answered: true, reason: 4 };
  private readonly listeners = new Set<(event: PbxEvent, delivery: PbxEventDelivery) => void>();
  private nextId = 100;

  subscribe(listener: (event: PbxEvent, delivery: PbxEventDelivery) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: PbxEvent): void {
    for (const listener of [...this.listeners]) listener(event, { apps: [] });
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  addChannel(channel: ChannelSnapshot): ChannelSnapshot {
    this.channels.set(channel.id, channel);
    return channel;
  }

  listChannels(): ChannelSnapshot[] {
    return [...this.channels.values()];
  }

  findChannel(idOrName: string): ChannelSnapshot | undefined {
    return this.channels.get(idOrName) ?? [...this.channels.values()].find((channel) => channel.name === idOrName);
  }

  getVariable(channelId: string, name: string): string | undefined {
    return this.variables.get(`${channelId}/${name}`);
  }

  setVariable(channelId: string, name: string, value: string): void {
    this.calls.push({ method: 'setVariable', args: [channelId, name, value] });
    this.variables.set(`${channelId}/${name}`, value);
  }

  listBridges(): BridgeSnapshot[] {
    return [...this.bridges.values()];
  }

  listEndpoints(): EndpointSnapshot[] {
    return this.endpoints;
  }

  originate(request: OriginateRequest): OriginateOutcome {
    this.calls.push({ method: 'originate', args: [request] });
    const behaviour = this.originateBehaviour;
    if (behaviour === 'throw') throw new PbxError('not-found', `No such endpoint: ${request.endpoint}`);
    const id = request.channelId ?? `1795312600.${this.nextId++}`;
    const channel = this.addChannel(makeChannel({ id, name: `${request.endpoint}-0000000${this.nextId};1`, state: 'Down' }));
    this.emit({ type: 'channel.created', channel });
    return { channel, settled: Promise.resolve(behaviour) };
  }

  redirect(channelId: string, context: string, exten: string, priority: number): void {
    this.calls.push({ method: 'redirect', args: [channelId, context, exten, priority] });
    if (!this.channels.has(channelId)) throw new PbxError('not-found', 'Channel not found');
  }

  hangup(channelId: string, cause?: number): void {
    this.calls.push({ method: 'hangup', args: [channelId, cause] });
    const channel = this.channels.get(channelId);
    if (!channel) throw new PbxError('not-found', 'Channel not found');
    this.channels.delete(channelId);
    this.emit({ type: 'channel.destroyed', channel, cause: cause ?? 16, causeTxt: 'Normal Clearing' });
  }
}
