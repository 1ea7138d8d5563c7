/**
 * Routes the Stasis application's events to whoever handles that channel: a call's media port, its
 * call flow, an agent leg. Playback events are routed by their target channel.
 */
import type { PbxAri } from '../nodes/pbx-ari.js';
import type { AriEvent } from '../ari/ari-types.js';
import { KeyedSets } from '../events/keyed-sets.js';

export type ChannelListener = (event: AriEvent) => void;

function channelOf(event: AriEvent): string | undefined {
  switch (event.type) {
    case 'PlaybackStarted':
    case 'PlaybackFinished':
      return event.playback.targetUri.startsWith('channel:') ? event.playback.targetUri.slice('channel:'.length) : undefined;
    case 'Dial':
      return event.peer.id;
    case 'BridgeDestroyed':
    case 'EndpointStateChange':
      return undefined;
    default:
      return event.channel.id;
  }
}

export class ChannelEventRouter {
  private readonly listeners = new KeyedSets<string, ChannelListener>();
  /** Channels whose events wait, in order, until their listeners are in place (see `hold`). */
  private readonly held = new Map<string, AriEvent[]>();
  private readonly detach: () => void;

  constructor(ari: PbxAri) {
    const onEvent = (event: AriEvent) => {
      const id = channelOf(event);
      if (!id) return;
      const waiting = this.held.get(id);
      if (waiting) waiting.push(event);
      else this.deliver(id, event);
    };
    ari.on('event', onEvent);
    this.detach = () => ari.off('event', onEvent);
  }

  private deliver(channelId: string, event: AriEvent): void {
    for (const listener of this.listeners.valuesOf(channelId)) listener(event);
  }

  /**
   * Keeps one channel's events until the returned function is called, which hands them, in order, to
   * the listeners registered by then: for a call whose handler is set up a moment after its arrival
   * (nothing the caller does meanwhile, hanging up included, is lost).
   */
  hold(channelId: string): () => void {
    if (this.held.has(channelId)) return () => undefined;
    const waiting: AriEvent[] = [];
    this.held.set(channelId, waiting);
    return () => {
      if (this.held.get(channelId) !== waiting) return;
      this.held.delete(channelId);
      for (const event of waiting) this.deliver(channelId, event);
    };
  }

  /** Listens to one channel's events until the returned function is called. */
  listen(channelId: string, listener: ChannelListener): () => void {
    return this.listeners.add(channelId, listener);
  }

  close(): void {
    this.detach();
    this.listeners.clear();
    this.held.clear();
  }
}
