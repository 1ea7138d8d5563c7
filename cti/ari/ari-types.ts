/** ARI data as the rest of the server sees it: plain objects, validated at the edge (ari-events.ts). */
export interface AriParty {
  name: string;
  number: string;
}

export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller: AriParty;
  connected: AriParty;
  /** `appName`/`appData`: the dialplan application running now (`Stasis`, `hotline12345,12345`), '' when none. */
  dialplan: { context: string; exten: string; priority: number; appName: string; appData: string };
  creationTime: string;
  language: string;
}

export interface AriBridge {
  id: string;
  bridgeType: string;
  name: string;
  channelIds: string[];
}

export interface AriPlayback {
  id: string;
  mediaUri: string;
  targetUri: string;
  state: string;
}

export interface AriEndpoint {
  technology: string;
  resource: string;
  state: string;
  channelIds: string[];
}

/** The events the server acts on. Anything else from the socket is ignored after validation. */
export type AriEvent =
  | { type: 'StasisStart'; timestamp: string; args: string[]; channel: AriChannel; replaceChannel?: AriChannel }
  | { type: 'StasisEnd'; timestamp: string; channel: AriChannel }
  | { type: 'ChannelStateChange'; timestamp: string; channel: AriChannel }
  | { type: 'ChannelDtmfReceived'; timestamp: string; channel: AriChannel; digit: string; durationMs: number }
  | { type: 'ChannelHangupRequest'; timestamp: string; channel: AriChannel; cause: number; soft: boolean }
  | { type: 'ChannelDestroyed'; timestamp: string; channel: AriChannel; cause: number; causeTxt: string }
  | { type: 'ChannelEnteredBridge'; timestamp: string; channel: AriChannel; bridge: AriBridge }
  | { type: 'ChannelLeftBridge'; timestamp: string; channel: AriChannel; bridge: AriBridge }
  | { type: 'BridgeDestroyed'; timestamp: string; bridge: AriBridge }
  | { type: 'PlaybackStarted'; timestamp: string; playback: AriPlayback }
  | { type: 'PlaybackFinished'; timestamp: string; playback: AriPlayback }
  | { type: 'Dial'; timestamp: string; peer: AriChannel; dialstatus: string; caller?: AriChannel }
  | { type: 'EndpointStateChange'; timestamp: string; endpoint: AriEndpoint };

export type AriEventType = AriEvent['type'];
export type AriEventOf<T extends AriEventType> = Extract<AriEvent, { type: T }>;

/**
 * How many HTTP connections the server keeps to ARI at most (the events WebSocket is one more).
 * Asterisk closes every HTTP connection beyond `sessionlimit` in http.conf (100 by default) the
 * moment it is accepted, without an answer: a client that opens one socket per concurrent request
 * loses requests at a burst of calls, and the callers whose answer was lost wait unanswered. A
 * bounded keep-alive pool queues requests instead: with 32 connections an application lost no
 * call at 40-60 calls/s on a real Asterisk 22, and two servers with their event sockets (66) still
 * leave room under the default limit for browser softphones and admin tools.
 */
export const ARI_DEFAULT_CONNECTIONS = 32;

export interface AriSettings {
  /** e.g. `http://127.0.0.1:8088` (the `/ari` prefix is added by the client). */
  url: string;
  username: string;
  password: string;
  app: string;
  /** At most this many REST connections (default `ARI_DEFAULT_CONNECTIONS`). */
  connections?: number;
  /**
   * true: REST requests go over the events socket when Asterisk takes them there. Off by default:
   * Asterisk runs a socket's requests one after another (res/ari/ari_websockets.c), so one waiting on a
   * busy channel holds up every call's; over HTTP each has a connection of its own.
   */
  requestsOverSocket?: boolean;
}

export interface OriginateParams {
  endpoint: string;
  app: string;
  appArgs: string[];
  callerId?: string;
  timeoutSeconds?: number;
  channelId?: string;
  variables?: Record<string, string>;
}

export class AriError extends Error {
  constructor(
    readonly kind: 'not-found' | 'conflict' | 'connection' | 'auth' | 'request',
    message: string,
    /** The HTTP status Asterisk answered with; absent when no answer came. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AriError';
  }
}
