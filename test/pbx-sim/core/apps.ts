/**
 * Stasis applications: which are registered (have an events WebSocket) and what each is subscribed
 * to. Subscriptions to channels are reference counted because a channel can be subscribed for two
 * reasons at once (ARI originate with `app=`, and being in the app).
 */
import type { PbxEvent } from './events.js';

export interface AppState {
  name: string;
  /** Number of WebSockets currently serving this app. */
  sockets: number;
  subscribeAll: boolean;
  readonly channels: Map<string, number>;
  readonly bridges: Set<string>;
  /** `PJSIP/1001`, or a whole technology as `PJSIP`. */
  readonly endpoints: Set<string>;
  readonly devices: Set<string>;
}

/** The entities an event concerns, for subscription matching. */
function eventSources(event: PbxEvent): { channels: string[]; bridges: string[]; endpoints: string[]; devices: string[] } {
  const none = { channels: [] as string[], bridges: [] as string[], endpoints: [] as string[], devices: [] as string[] };
  switch (event.type) {
    case 'bridge.created':
    case 'bridge.destroyed':
      return { ...none, bridges: [event.bridge.id] };
    case 'bridge.enter':
    case 'bridge.leave':
      return { ...none, channels: [event.channel.id], bridges: [event.bridge.id] };
    case 'dial':
      return { ...none, channels: [event.peer.id, ...(event.caller ? [event.caller.id] : [])] };
    case 'local.bridge':
      return { ...none, channels: [event.one.id, event.two.id] };
    case 'playback.started':
    case 'playback.finished':
      return targetSources(event.playback.targetUri);
    case 'recording.started':
    case 'recording.finished':
    case 'recording.failed':
      return targetSources(event.recording.targetUri);
    case 'endpoint.state':
    case 'peer.status':
      return { ...none, endpoints: [`${event.endpoint.technology}/${event.endpoint.resource}`] };
    case 'contact.status':
      return { ...none, endpoints: [`PJSIP/${event.endpointName}`] };
    case 'device.state':
      return { ...none, devices: [event.device] };
    case 'stasis.start':
    case 'stasis.end':
      return none;
    default:
      return { ...none, channels: [event.channel.id] };
  }
}

function targetSources(uri: string): { channels: string[]; bridges: string[]; endpoints: string[]; devices: string[] } {
  const colon = uri.indexOf(':');
  const kind = uri.slice(0, colon);
  const id = uri.slice(colon + 1);
  return {
    channels: kind === 'channel' ? [id] : [],
    bridges: kind === 'bridge' ? [id] : [],
    endpoints: [],
    devices: [],
  };
}

export class AppRegistry {
  private readonly apps = new Map<string, AppState>();

  private ensure(name: string): AppState {
    let app = this.apps.get(name);
    if (!app) {
      app = {
        name,
        sockets: 0,
        subscribeAll: false,
        channels: new Map(),
        bridges: new Set(),
        endpoints: new Set(),
        devices: new Set(),
      };
      this.apps.set(name, app);
    }
    return app;
  }

  register(name: string, subscribeAll: boolean): void {
    const app = this.ensure(name);
    app.sockets++;
    if (subscribeAll) app.subscribeAll = true;
  }

  unregister(name: string): void {
    const app = this.apps.get(name);
    if (!app) return;
    app.sockets = Math.max(0, app.sockets - 1);
    if (app.sockets === 0) app.subscribeAll = false;
  }

  isRegistered(name: string): boolean {
    return (this.apps.get(name)?.sockets ?? 0) > 0;
  }

  get(name: string): AppState | undefined {
    const app = this.apps.get(name);
    return app && app.sockets > 0 ? app : undefined;
  }

  list(): AppState[] {
    return [...this.apps.values()].filter((a) => a.sockets > 0);
  }

  subscribeChannel(app: string, channelId: string): void {
    const state = this.ensure(app);
    state.channels.set(channelId, (state.channels.get(channelId) ?? 0) + 1);
  }

  unsubscribeChannel(app: string, channelId: string): void {
    const state = this.apps.get(app);
    if (!state) return;
    const n = (state.channels.get(channelId) ?? 0) - 1;
    if (n > 0) state.channels.set(channelId, n);
    else state.channels.delete(channelId);
  }

  isSubscribedToChannel(app: string, channelId: string): boolean {
    return (this.apps.get(app)?.channels.get(channelId) ?? 0) > 0;
  }

  subscribeBridge(app: string, bridgeId: string): void {
    this.ensure(app).bridges.add(bridgeId);
  }

  unsubscribeBridge(app: string, bridgeId: string): void {
    this.apps.get(app)?.bridges.delete(bridgeId);
  }

  subscribeEndpoint(app: string, endpointId: string): void {
    this.ensure(app).endpoints.add(endpointId);
  }

  unsubscribeEndpoint(app: string, endpointId: string): boolean {
    return this.apps.get(app)?.endpoints.delete(endpointId) ?? false;
  }

  subscribeDevice(app: string, device: string): void {
    this.ensure(app).devices.add(device);
  }

  unsubscribeDevice(app: string, device: string): boolean {
    return this.apps.get(app)?.devices.delete(device) ?? false;
  }

  forgetChannel(channelId: string): void {
    for (const app of this.apps.values()) app.channels.delete(channelId);
  }

  forgetBridge(bridgeId: string): void {
    for (const app of this.apps.values()) app.bridges.delete(bridgeId);
  }

  /** Apps (registered or not: the front end drops what has no socket) that should see `event`. */
  delivery(event: PbxEvent): string[] {
    if (event.type === 'stasis.start' || event.type === 'stasis.end') return [event.app];
    const src = eventSources(event);
    const out: string[] = [];
    for (const app of this.apps.values()) {
      const hit =
        app.subscribeAll ||
        src.channels.some((id) => (app.channels.get(id) ?? 0) > 0) ||
        src.bridges.some((id) => app.bridges.has(id)) ||
        src.endpoints.some((id) => app.endpoints.has(id) || app.endpoints.has(id.split('/')[0] ?? '')) ||
        src.devices.some((d) => app.devices.has(d));
      if (hit) out.push(app.name);
    }
    return out;
  }

  reset(): void {
    this.apps.clear();
  }
}
