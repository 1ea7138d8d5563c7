/**
 * A WebSocket that comes back by itself: on a drop it retries with exponential backoff (1 s, 2 s,
 * 4 s … at most 15 s, with jitter) and reports every change so the page can show it. The server
 * resynchronises a reconnected client itself (`hello` for agents, `snapshot` for supervisors).
 * Commands carry an id and resolve with the server's `result`.
 */

export interface WireMessage {
  type: string;
  [key: string]: unknown;
}

export interface CommandResult {
  ok: boolean;
  error?: string;
}

export type LinkStatus =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open'; reconnected: boolean }
  | { kind: 'waiting'; attempt: number; retryInMs: number }
  | { kind: 'stopped'; reason: string };

const MAX_DELAY_MS = 15_000;

/** The server closes a socket whose login ended (logout, account disabled, deleted or changed, expired). */
const CLOSE_SESSION_ENDED = 4401;

export interface LiveSocketOptions {
  /** `/ws/agent` etc.; the token is added as `?token=`. */
  path: string;
  token: string;
  onMessage(message: WireMessage): void;
  onStatus(status: LinkStatus): void;
  /** Close codes after which retrying is pointless, with what to tell the user. */
  fatal?: Record<number, string>;
  /**
   * Asked when a connection could not even open (a refused upgrade looks like any network error to a
   * browser, and its answer cannot be read): null while the login is still valid; otherwise what to
   * tell the user (why it ended), and retrying stops.
   */
  loginEnded?: () => Promise<string | null>;
}

/** What the page says when the server gives no reason for a login that is no longer valid. */
const LOGIN_EXPIRED = '登录已过期，请重新登录';

/**
 * A `loginEnded` check: an authenticated read that answers 401 once the token is no longer good, with
 * why in its `error` (the session's end the server recorded: 强制签出, account disabled, expired …).
 */
export function loginCheck(token: string, path = '/api/v1/skills'): () => Promise<string | null> {
  return async () => {
    let response: Response;
    try {
      response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
    } catch {
      return null; // the server is unreachable: keep trying
    }
    if (response.status !== 401) return null;
    const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
    return typeof body?.error === 'string' && body.error.trim() ? body.error : LOGIN_EXPIRED;
  };
}

export class LiveSocket {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private everOpened = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  private readonly pending = new Map<string, (result: CommandResult) => void>();
  /** Why the server ended the login, from its last `session.ended` message. */
  private sessionEnded: string | null = null;

  constructor(private readonly options: LiveSocketOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(reason = '已退出'): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000, 'bye');
    this.socket = null;
    this.failPending('连接已关闭');
    this.options.onStatus({ kind: 'stopped', reason });
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends a command and waits for its `result` (a lost connection answers `ok: false`). */
  command(type: string, fields: Record<string, unknown> = {}): Promise<CommandResult> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve({ ok: false, error: '与服务器的连接已断开，请稍候重试' });
    const id = `p${this.nextId++}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      socket.send(JSON.stringify({ id, type, ...fields }));
    });
  }

  private connect(): void {
    if (this.stopped) return;
    this.attempt += 1;
    this.options.onStatus({ kind: 'connecting', attempt: this.attempt });
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${this.options.path}?token=${encodeURIComponent(this.options.token)}`);
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.options.onStatus({ kind: 'open', reconnected });
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      let message: WireMessage;
      try {
        message = JSON.parse(String(event.data)) as WireMessage;
      } catch {
        return;
      }
      if (message.type === 'session.ended') {
        this.sessionEnded = typeof message.message === 'string' ? message.message : '登录已失效，请重新登录';
        return;
      }
      if (message.type === 'result' && typeof message.id === 'string') {
        const resolve = this.pending.get(message.id);
        this.pending.delete(message.id);
        resolve?.({ ok: message.ok === true, ...(typeof message.error === 'string' ? { error: message.error } : {}) });
        return;
      }
      this.options.onMessage(message);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failPending('与服务器的连接已断开');
      if (this.stopped) return;
      const fatal = event.code === CLOSE_SESSION_ENDED ? (this.sessionEnded ?? '登录已失效，请重新登录') : this.options.fatal?.[event.code];
      if (fatal) {
        this.stopped = true;
        this.options.onStatus({ kind: 'stopped', reason: fatal });
        return;
      }
      const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(this.attempt, 4));
      const retryInMs = Math.round(base * (0.8 + Math.random() * 0.4));
      this.options.onStatus({ kind: 'waiting', attempt: this.attempt, retryInMs });
      this.timer = setTimeout(() => this.connect(), retryInMs);
      if (!opened && this.options.loginEnded) {
        void this.options.loginEnded().then((ended) => {
          if (ended === null || this.stopped) return;
          if (this.timer) clearTimeout(this.timer);
          this.stopped = true;
          this.options.onStatus({ kind: 'stopped', reason: ended });
        });
      }
    });
  }

  private failPending(error: string): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, error });
    this.pending.clear();
  }
}

/** The banner text for a link status. */
export function linkText(status: LinkStatus): string {
  switch (status.kind) {
    case 'connecting':
      return status.attempt > 1 ? `正在重新连接（第 ${status.attempt} 次）…` : '正在连接…';
    case 'open':
      return status.reconnected ? '已重新连接，状态已同步' : '已连接';
    case 'waiting':
      return `与服务器的连接已断开，${Math.ceil(status.retryInMs / 1000)} 秒后重连…`;
    case 'stopped':
      return status.reason;
  }
}
