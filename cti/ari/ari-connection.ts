/**
 * The one typed facade over the `ari-client` package. It loads the API, starts the Stasis
 * application's event socket (the package reconnects it; when it gives up, this starts it afresh),
 * validates every event, and exposes the call-control operations the server uses with plain data in
 * and out. Nothing else in the server imports `ari-client`.
 */
import ari, { type Client } from 'ari-client';
import { EventEmitter } from 'node:events';
import type { Logger } from '../logging.js';
import { preflightAri } from './ari-preflight.js';
import { parseAriEvent, parseBridge, parseChannel, parseEndpoint, parsePlayback } from './ari-events.js';
import {
  AriError,
  type AriBridge,
  type AriChannel,
  type AriEndpoint,
  type AriEvent,
  type AriPlayback,
  type AriSettings,
  type OriginateParams,
} from './ari-types.js';

const RESTART_DELAY_MS = 5_000;

interface AriConnectionEvents {
  event: [AriEvent];
  connected: [];
  disconnected: [];
}

/** ari-client rejects with `Error(responseBody)`; Asterisk's bodies are `{"message": "..."}`. */
function toAriError(error: unknown): AriError {
  const raw = error instanceof Error ? error.message : String(error);
  let message = raw;
  try {
    const body: unknown = JSON.parse(raw);
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
      message = body.message;
    }
  } catch {
    // not a JSON body: keep the text
  }
  if (/not found/i.test(message)) return new AriError('not-found', message);
  if (/not in stasis|in use|already|conflict/i.test(message)) return new AriError('conflict', message);
  if (/ECONNREFUSED|ECONNRESET|socket hang up/i.test(message)) return new AriError('connection', message);
  return new AriError('request', message);
}

/**
 * The Swagger loader inside ari-client prints a "deprecated version of Swagger" notice with
 * console.log on every connect (Asterisk serves Swagger 1.1). Keep that one line out of the JSON logs.
 */
async function withoutSwaggerNotice<T>(run: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => {
    if (JSON.stringify(args).includes('deprecated version of Swagger')) return;
    original(...args);
  };
  try {
    return await run();
  } finally {
    console.log = original;
  }
}

function must<T>(value: T | null, what: string): T {
  if (value === null) throw new AriError('request', `ARI returned a malformed ${what}`);
  return value;
}

export class AriConnection extends EventEmitter<AriConnectionEvents> {
  private client: Client | null = null;
  private closed = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private socketUp = false;

  constructor(
    private readonly settings: AriSettings,
    private readonly log: Logger,
  ) {
    super();
  }

  get isConnected(): boolean {
    return this.socketUp;
  }

  get app(): string {
    return this.settings.app;
  }

  /** Loads the API and opens the event socket; rejects when Asterisk is unreachable or refuses the user. */
  async connect(): Promise<void> {
    this.closed = false;
    await preflightAri(this.settings.url, this.settings.username, this.settings.password);
    const client = await withoutSwaggerNotice(() => ari.connect(this.settings.url, this.settings.username, this.settings.password)).catch(
      (error: unknown) => {
        throw new AriError('connection', `ARI ${this.settings.url}: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    this.client = client;
    // Every message, before the package wraps it in resource objects; '*' is missing from its types.
    (client as unknown as EventEmitter).on('*', (raw: unknown) => {
      const event = parseAriEvent(raw);
      if (event) this.emit('event', event);
    });
    client.on('WebSocketConnected', () => this.markUp());
    client.on('WebSocketReconnecting', () => this.markDown());
    client.on('WebSocketMaxRetries', () => {
      this.markDown();
      this.scheduleRestart();
    });
    await client.start(this.settings.app);
    this.markUp();
  }

  private markUp(): void {
    if (this.socketUp) return;
    this.socketUp = true;
    this.log.info({ url: this.settings.url, app: this.settings.app }, 'ARI connected');
    this.emit('connected');
  }

  private markDown(): void {
    if (!this.socketUp) return;
    this.socketUp = false;
    this.log.warn({ app: this.settings.app }, 'ARI event socket lost');
    this.emit('disconnected');
  }

  /** The package stopped retrying: try a whole new connection (the PBX may have restarted). */
  private scheduleRestart(): void {
    if (this.closed || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      const old = this.client;
      if (old) (old as unknown as EventEmitter).removeAllListeners();
      this.connect().catch((error: unknown) => {
        this.log.warn({ err: (error as Error).message }, 'ARI reconnect failed');
        this.scheduleRestart();
      });
    }, RESTART_DELAY_MS);
  }

  private api(): Client {
    if (!this.client) throw new AriError('connection', 'ARI is not connected');
    return this.client;
  }

  private async call<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    const client = this.api();
    try {
      return await operation(client);
    } catch (error) {
      throw toAriError(error);
    }
  }

  // ---- channels ----

  async answer(channelId: string): Promise<void> {
    await this.call((c) => c.channels.answer({ channelId }));
  }

  async hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' | 'no_answer' = 'normal'): Promise<void> {
    await this.call((c) => c.channels.hangup({ channelId, reason }));
  }

  async getChannel(channelId: string): Promise<AriChannel> {
    return must(parseChannel(await this.call((c) => c.channels.get({ channelId }))), 'channel');
  }

  async listChannels(): Promise<AriChannel[]> {
    const list = await this.call((c) => c.channels.list());
    return list.map(parseChannel).filter((ch): ch is AriChannel => ch !== null);
  }

  async originate(params: OriginateParams): Promise<AriChannel> {
    const channel = await this.call((c) =>
      c.channels.originate({
        endpoint: params.endpoint,
        app: params.app,
        appArgs: params.appArgs.join(','),
        ...(params.callerId ? { callerId: params.callerId } : {}),
        ...(params.timeoutSeconds ? { timeout: params.timeoutSeconds } : {}),
        ...(params.channelId ? { channelId: params.channelId } : {}),
        ...(params.variables ? { variables: { variables: params.variables } } : {}),
      }),
    );
    return must(parseChannel(channel), 'channel');
  }

  /** Plays one or more media URIs (`sound:`, `digits:`, `number:`) in order, under one playback id. */
  async play(channelId: string, media: string[], playbackId: string, lang?: string): Promise<AriPlayback> {
    const playback = await this.call((c) => c.channels.playWithId({ channelId, playbackId, media, ...(lang ? { lang } : {}) }));
    return must(parsePlayback(playback), 'playback');
  }

  /** Whether the playback is still playing or queued (false once it ended: Asterisk forgets it). */
  async playbackExists(playbackId: string): Promise<boolean> {
    return this.exists((c) => c.playbacks.get({ playbackId }));
  }

  /** Runs a GET of one resource: true when Asterisk has it, false on 404, other errors thrown. */
  private async exists(get: (client: Client) => Promise<unknown>): Promise<boolean> {
    try {
      await this.call(get);
      return true;
    } catch (error) {
      if (error instanceof AriError && error.kind === 'not-found') return false;
      throw error;
    }
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.call((c) => c.playbacks.stop({ playbackId }));
  }

  async ring(channelId: string): Promise<void> {
    await this.call((c) => c.channels.ring({ channelId }));
  }

  async hold(channelId: string): Promise<void> {
    await this.call((c) => c.channels.hold({ channelId }));
  }

  async unhold(channelId: string): Promise<void> {
    await this.call((c) => c.channels.unhold({ channelId }));
  }

  async startMoh(channelId: string, mohClass = 'default'): Promise<void> {
    await this.call((c) => c.channels.startMoh({ channelId, mohClass }));
  }

  async stopMoh(channelId: string): Promise<void> {
    await this.call((c) => c.channels.stopMoh({ channelId }));
  }

  async sendDtmf(channelId: string, dtmf: string): Promise<void> {
    await this.call((c) => c.channels.sendDTMF({ channelId, dtmf }));
  }

  async setVariable(channelId: string, variable: string, value: string): Promise<void> {
    await this.call((c) => c.channels.setChannelVar({ channelId, variable, value }));
  }

  async getVariable(channelId: string, variable: string): Promise<string> {
    const result = await this.call((c) => c.channels.getChannelVar({ channelId, variable }));
    return result.value;
  }

  /**
   * A snoop channel on `channelId`, entering the application with `appArgs`: `spy` is what it hears
   * of the channel, `whisper` is which way what it says goes (`out` = heard by the channel only).
   */
  async snoop(channelId: string, snoopId: string, spy: 'none' | 'in' | 'out' | 'both', whisper: 'none' | 'in' | 'out' | 'both', appArgs: string[]): Promise<void> {
    await this.call((c) => c.channels.snoopChannelWithId({ channelId, snoopId, spy, whisper, app: this.settings.app, appArgs: appArgs.join(',') }));
  }

  // ---- bridges ----

  async createBridge(type: 'mixing' | 'holding', name: string): Promise<AriBridge> {
    return must(parseBridge(await this.call((c) => c.bridges.create({ type, name }))), 'bridge');
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.call((c) => c.bridges.destroy({ bridgeId }));
  }

  async addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    await this.call((c) => c.bridges.addChannel({ bridgeId, channel: channelIds }));
  }

  async removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    await this.call((c) => c.bridges.removeChannel({ bridgeId, channel: channelIds }));
  }

  /** Every bridge on the PBX (the application's and any others). */
  async listBridges(): Promise<AriBridge[]> {
    const list = await this.call((c) => c.bridges.list());
    return list.map(parseBridge).filter((b): b is AriBridge => b !== null);
  }

  async bridgeMoh(bridgeId: string, mohClass = 'default'): Promise<void> {
    await this.call((c) => c.bridges.startMoh({ bridgeId, mohClass }));
  }

  async stopBridgeMoh(bridgeId: string): Promise<void> {
    await this.call((c) => c.bridges.stopMoh({ bridgeId }));
  }

  /** Records what the bridge mixes; returns the recording's name. */
  async recordBridge(bridgeId: string, name: string): Promise<string> {
    const recording = await this.call((c) =>
      c.bridges.record({ bridgeId, name, format: 'wav', ifExists: 'fail', beep: false, terminateOn: 'none' }),
    );
    return recording.name;
  }

  /** Stops a live recording (it is kept as a stored recording). */
  async stopLiveRecording(recordingName: string): Promise<void> {
    await this.call((c) => c.recordings.stop({ recordingName }));
  }

  /** Is a Stasis application registered (`GET /applications/{name}`: 404 when no event socket serves it)? */
  async hasApplication(applicationName: string): Promise<boolean> {
    return this.exists((c) => c.applications.get({ applicationName }));
  }

  async deleteStoredRecording(recordingName: string): Promise<void> {
    await this.call((c) => c.recordings.deleteStored({ recordingName }));
  }

  // ---- endpoints ----

  async listEndpoints(): Promise<AriEndpoint[]> {
    const list = await this.call((c) => c.endpoints.list());
    return list.map(parseEndpoint).filter((e): e is AriEndpoint => e !== null);
  }

  close(): void {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const client = this.client;
    this.client = null;
    if (client) {
      (client as unknown as EventEmitter).removeAllListeners();
      try {
        client.stop();
      } catch {
        // the socket may already be gone
      }
    }
    this.socketUp = false;
  }
}
