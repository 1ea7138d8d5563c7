/**
 * Routes the Stasis application's events to whoever handles that channel: a call's media port, its
 * call flow, an agent leg. Playback events are routed by their target channel.
 */
import type { AriConnection } from '../ari/ari-connection.js';
import type { AriEvent } from '../ari/ari-types.js';

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
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  private readonly detach: () => void;

  constructor(ari: AriConnection) {
    const onEvent = (event: AriEvent) => {
      const id = channelOf(event);
      if (!id) return;
      const set = this.listeners.get(id);
      if (!set) return;
      for (const listener of [...set]) listener(event);
    };
    ari.on('event', onEvent);
    this.detach = () => ari.off('event', onEvent);
  }

  /** Listens to one channel's events until the returned function is called. */
  listen(channelId: string, listener: ChannelListener): () => void {
    let set = this.listeners.get(channelId);
    if (!set) {
      set = new Set();
      this.listeners.set(channelId, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(channelId);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(channelId);
    };
  }

  close(): void {
    this.detach();
    this.listeners.clear();
  }
}
