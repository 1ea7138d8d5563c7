/**
 * The one typed facade over ARI. The Stasis application's events come over one WebSocket kept open
 * (ari-event-socket.ts); REST requests go over that socket too when Asterisk takes them there
 * (ari-socket-requests.ts), else over a bounded keep-alive HTTP pool (ari-rest.ts); every event is
 * validated (ari-events.ts), and the call-control operations the server uses take and give plain
 * data. Nothing else in the server speaks HTTP or WebSocket to Asterisk. Paths, parameters and
 * bodies follow the api-docs Asterisk 22 serves (`/ari/api-docs/*.json`).
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../logging.js';
import { AriEventSocket } from './ari-event-socket.js';
import { parseAriEvent, parseBridge, parseChannel, parseEndpoint, parsePlayback } from './ari-events.js';
import { ariPath, type AriRequest } from './ari-request.js';
import { AriRest } from './ari-rest.js';
import { SocketRequests } from './ari-socket-requests.js';
import { preflightAri, type AriAbilities } from './ari-preflight.js';
import {
  ARI_DEFAULT_CONNECTIONS,
  AriError,
  type AriBridge,
  type AriChannel,
  type AriEndpoint,
  type AriEvent,
  type AriPlayback,
  type AriSettings,
  type OriginateParams,
} from './ari-types.js';

interface AriConnectionEvents {
  event: [AriEvent];
  connected: [];
  disconnected: [];
}

function must<T>(value: T | null, what: string): T {
  if (value === null) throw new AriError('request', `ARI returned a malformed ${what}`);
  return value;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export class AriConnection extends EventEmitter<AriConnectionEvents> {
  private rest: AriRest | null = null;
  private readonly socket: AriEventSocket;
  private readonly socketRequests = new SocketRequests(() =>
    this.log.warn({ app: this.settings.app }, 'ARI events socket left a request unanswered: requests go over HTTP until it reconnects'),
  );
  /** What `connect()`'s access check read of this Asterisk, for the socket it opens next (not read twice). */
  private checked: AriAbilities | null = null;
  /** The choice of carrier for the socket opened last, settled once made. */
  private carrierChosen: Promise<void> = Promise.resolve();
  private socketUp = false;

  constructor(
    private readonly settings: AriSettings,
    private readonly log: Logger,
  ) {
    super();
    this.socket = new AriEventSocket(settings, log);
    this.socket.on('message', (raw) => {
      if (this.socketRequests.take(raw)) return;
      const event = parseAriEvent(raw);
      if (event) this.emit('event', event);
    });
    this.socket.on('open', () => {
      if (this.settings.requestsOverSocket !== true) return this.markUp();
      // Asked again at every reopening: the Asterisk behind the address may have been replaced by an
      // older or newer one. The link is up once the carrier is chosen, so that what the server does on
      // reconnecting (the restart reconciliation's requests) goes the way chosen.
      const checked = this.checked;
      this.checked = null;
      this.carrierChosen = this.takeRequestsOverSocket(checked).then(() => {
        if (this.socket.isOpen) this.markUp();
      });
    });
    this.socket.on('close', () => {
      this.socketRequests.detach();
      this.markDown();
    });
  }

  get isConnected(): boolean {
    return this.socketUp;
  }

  get app(): string {
    return this.settings.app;
  }

  /**
   * Checks that ARI answers and accepts the user, then opens the application's event socket; rejects
   * (`auth` for a refused user, else `connection`) when Asterisk is unreachable or refuses us. Once
   * connected, the socket reconnects by itself until `close()`.
   */
  async connect(): Promise<void> {
    this.checked = await preflightAri(this.settings.url, this.settings.username, this.settings.password);
    this.rest ??= new AriRest(
      {
        url: this.settings.url,
        username: this.settings.username,
        password: this.settings.password,
        connections: this.settings.connections ?? ARI_DEFAULT_CONNECTIONS,
      },
      this.log,
      this.socketRequests,
    );
    await this.socket.open();
    await this.carrierChosen;
  }

  /**
   * Reads whether the Asterisk now behind the socket takes requests there (`checked`: as `connect()`
   * just read it), and if so sends them there.
   */
  private async takeRequestsOverSocket(checked: AriAbilities | null): Promise<void> {
    let takes = false;
    try {
      takes = (checked ?? (await preflightAri(this.settings.url, this.settings.username, this.settings.password))).requestsOverSocket;
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'ARI: could not tell whether Asterisk takes requests over the events socket; they go over HTTP');
    }
    if (takes && this.socket.isOpen) this.socketRequests.attach((text) => this.socket.send(text));
    this.log.info({ app: this.settings.app, requests: this.socketRequests.usable ? 'events socket' : 'http' }, 'ARI requests carrier');
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

  private async call(request: AriRequest): Promise<unknown> {
    if (!this.rest) throw new AriError('connection', 'ARI is not connected');
    return this.rest.request(request);
  }

  /** Runs a GET of one resource: true when Asterisk has it, false on 404, other errors thrown. */
  private async exists(path: string): Promise<boolean> {
    try {
      await this.call({ method: 'GET', path, idempotent: true });
      return true;
    } catch (error) {
      if (error instanceof AriError && error.kind === 'not-found') return false;
      throw error;
    }
  }

  // ---- channels ----

  async answer(channelId: string): Promise<void> {
    await this.call({ method: 'POST', path: ariPath`/channels/${channelId}/answer`, idempotent: true });
  }

  async hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' | 'no_answer' = 'normal'): Promise<void> {
    await this.call({ method: 'DELETE', path: ariPath`/channels/${channelId}`, query: { reason }, idempotent: true });
  }

  async getChannel(channelId: string): Promise<AriChannel> {
    return must(parseChannel(await this.call({ method: 'GET', path: ariPath`/channels/${channelId}`, idempotent: true })), 'channel');
  }

  async listChannels(): Promise<AriChannel[]> {
    const channels = list(await this.call({ method: 'GET', path: '/channels', idempotent: true }));
    return channels.map(parseChannel).filter((ch): ch is AriChannel => ch !== null);
  }

  async originate(params: OriginateParams): Promise<AriChannel> {
    const channel = await this.call({
      method: 'POST',
      path: '/channels',
      query: {
        endpoint: params.endpoint,
        app: params.app,
        appArgs: params.appArgs.join(','),
        callerId: params.callerId || undefined,
        timeout: params.timeoutSeconds || undefined,
        channelId: params.channelId || undefined,
      },
      // Channel variables travel in the JSON body: {"variables": {"NAME": "value"}}.
      ...(params.variables ? { body: { variables: params.variables } } : {}),
      idempotent: false,
    });
    return must(parseChannel(channel), 'channel');
  }

  /** Plays one or more media URIs (`sound:`, `digits:`, `number:`) in order, under one playback id. */
  async play(channelId: string, media: string[], playbackId: string, lang?: string): Promise<AriPlayback> {
    const playback = await this.call({
      method: 'POST',
      path: ariPath`/channels/${channelId}/play/${playbackId}`,
      // A list is one comma-separated `media` (a repeated parameter would play one item).
      query: { media: media.join(','), lang: lang || undefined },
      idempotent: false,
    });
    return must(parsePlayback(playback), 'playback');
  }

  /** Whether the playback is still playing or queued (false once it ended: Asterisk forgets it). */
  async playbackExists(playbackId: string): Promise<boolean> {
    return this.exists(ariPath`/playbacks/${playbackId}`);
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: ariPath`/playbacks/${playbackId}`, idempotent: true });
  }

  /** The channel leaves the application for the dialplan, at `location`'s first priority. */
  async continueInDialplan(channelId: string, location: { context: string; extension: string }): Promise<void> {
    await this.call({
      method: 'POST',
      path: ariPath`/channels/${channelId}/continue`,
      query: { context: location.context, extension: location.extension, priority: 1 },
      // Sent twice, the second would be refused (the channel left the application): once only.
      idempotent: false,
    });
  }

  async ring(channelId: string): Promise<void> {
    await this.call({ method: 'POST', path: ariPath`/channels/${channelId}/ring`, idempotent: true });
  }

  async hold(channelId: string): Promise<void> {
    await this.call({ method: 'POST', path: ariPath`/channels/${channelId}/hold`, idempotent: true });
  }

  async unhold(channelId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: ariPath`/channels/${channelId}/hold`, idempotent: true });
  }

  async startMoh(channelId: string, mohClass = 'default'): Promise<void> {
    await this.call({ method: 'POST', path: ariPath`/channels/${channelId}/moh`, query: { mohClass }, idempotent: true });
  }

  async stopMoh(channelId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: ariPath`/channels/${channelId}/moh`, idempotent: true });
  }

  /** `in`: what the channel says reaches nobody (an agent's 静音); `out`: it hears nothing. */
  async mute(channelId: string, direction: 'in' | 'out' | 'both' = 'in'): Promise<void> {
    await this.call({ method: 'POST', path: ariPath`/channels/${channelId}/mute`, query: { direction }, idempotent: true });
  }

  async unmute(channelId: string, direction: 'in' | 'out' | 'both' = 'in'): Promise<void> {
    await this.call({ method: 'DELETE', path: ariPath`/channels/${channelId}/mute`, query: { direction }, idempotent: true });
  }

  /** Digits sent twice would be dialled twice: not repeated unless provably never sent. */
  async sendDtmf(channelId: string, dtmf: string): Promise<void> {
    await this.call({ method: 'POST', path: ariPath`/channels/${channelId}/dtmf`, query: { dtmf }, idempotent: false });
  }

  async setVariable(channelId: string, variable: string, value: string): Promise<void> {
    await this.call({ method: 'POST', path: ariPath`/channels/${channelId}/variable`, query: { variable, value }, idempotent: true });
  }

  async getVariable(channelId: string, variable: string): Promise<string> {
    const result = await this.call({ method: 'GET', path: ariPath`/channels/${channelId}/variable`, query: { variable }, idempotent: true });
    if (typeof result !== 'object' || result === null || !('value' in result) || typeof result.value !== 'string') {
      throw new AriError('request', 'ARI returned a malformed variable');
    }
    return result.value;
  }

  /**
   * A snoop channel on `channelId`, entering the application with `appArgs`: `spy` is what it hears
   * of the channel, `whisper` is which way what it says goes (`out` = heard by the channel only).
   */
  async snoop(channelId: string, snoopId: string, spy: 'none' | 'in' | 'out' | 'both', whisper: 'none' | 'in' | 'out' | 'both', appArgs: string[]): Promise<void> {
    await this.call({
      method: 'POST',
      path: ariPath`/channels/${channelId}/snoop/${snoopId}`,
      query: { spy, whisper, app: this.settings.app, appArgs: appArgs.join(',') },
      idempotent: false,
    });
  }

  // ---- bridges ----

  async createBridge(type: 'mixing' | 'holding', name: string): Promise<AriBridge> {
    return must(parseBridge(await this.call({ method: 'POST', path: '/bridges', query: { type, name }, idempotent: false })), 'bridge');
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: ariPath`/bridges/${bridgeId}`, idempotent: true });
  }

  async addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    await this.changeMembers(bridgeId, 'addChannel', channelIds);
  }

  async removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    await this.changeMembers(bridgeId, 'removeChannel', channelIds);
  }

  /** `channel` is one comma-separated parameter; 400 is Asterisk's "Channel not found" here. */
  private async changeMembers(bridgeId: string, change: 'addChannel' | 'removeChannel', channelIds: string[]): Promise<void> {
    await this.call({
      method: 'POST',
      path: ariPath`/bridges/${bridgeId}/${change}`,
      query: { channel: channelIds.join(',') },
      idempotent: true,
      notFound: [400],
    });
  }

  /** Every bridge on the PBX (the application's and any others). */
  async listBridges(): Promise<AriBridge[]> {
    const bridges = list(await this.call({ method: 'GET', path: '/bridges', idempotent: true }));
    return bridges.map(parseBridge).filter((b): b is AriBridge => b !== null);
  }

  async bridgeMoh(bridgeId: string, mohClass = 'default'): Promise<void> {
    await this.call({ method: 'POST', path: ariPath`/bridges/${bridgeId}/moh`, query: { mohClass }, idempotent: true });
  }

  async stopBridgeMoh(bridgeId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: ariPath`/bridges/${bridgeId}/moh`, idempotent: true });
  }

  /** Records what the bridge mixes; returns the recording's name. */
  async recordBridge(bridgeId: string, name: string): Promise<string> {
    const recording = await this.call({
      method: 'POST',
      path: ariPath`/bridges/${bridgeId}/record`,
      query: { name, format: 'wav', ifExists: 'fail', beep: false, terminateOn: 'none' },
      idempotent: false,
    });
    if (typeof recording !== 'object' || recording === null || !('name' in recording) || typeof recording.name !== 'string') {
      throw new AriError('request', 'ARI returned a malformed recording');
    }
    return recording.name;
  }

  /** Stops a live recording (it is kept as a stored recording). */
  async stopLiveRecording(recordingName: string): Promise<void> {
    await this.call({ method: 'POST', path: ariPath`/recordings/live/${recordingName}/stop`, idempotent: true });
  }

  /** Is a Stasis application registered (`GET /applications/{name}`: 404 when no event socket serves it)? */
  async hasApplication(applicationName: string): Promise<boolean> {
    return this.exists(ariPath`/applications/${applicationName}`);
  }

  async deleteStoredRecording(recordingName: string): Promise<void> {
    await this.call({ method: 'DELETE', path: ariPath`/recordings/stored/${recordingName}`, idempotent: true });
  }

  // ---- endpoints ----

  async listEndpoints(): Promise<AriEndpoint[]> {
    const endpoints = list(await this.call({ method: 'GET', path: '/endpoints', idempotent: true }));
    return endpoints.map(parseEndpoint).filter((e): e is AriEndpoint => e !== null);
  }

  /**
   * Closes the event socket and the REST pool (requests already made over HTTP still get their
   * answers, those over the socket fail, new ones are refused); `connect()` may open them again.
   */
  close(): void {
    this.socket.stop();
    this.socketRequests.detach();
    const rest = this.rest;
    this.rest = null;
    void rest?.close();
    this.socketUp = false;
  }
}
