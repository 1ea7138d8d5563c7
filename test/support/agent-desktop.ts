/**
 * A scripted agent desktop for tests: logs in over HTTP, connects the agent WebSocket with its token,
 * keeps every message it receives, and sends commands awaiting their `result`.
 */
import { WebSocket } from 'ws';
import { simRequest, waitFor } from './sim-client.js';

export interface WireMessage {
  type: string;
  [key: string]: unknown;
}

export class AgentDesktop {
  readonly received: WireMessage[] = [];
  /** Called on every message as it arrives (the benchmark times pops with it). */
  onMessage: ((message: WireMessage) => void) | null = null;
  private socket: WebSocket | null = null;
  private nextId = 1;
  /** The close code the server (or we) closed the socket with, once closed. */
  closeCode: number | null = null;

  private constructor(
    private serverUrl: string,
    readonly token: string,
  ) {}

  /** Points the next `connect` at another server (the standby that took over). */
  moveTo(serverUrl: string): void {
    this.serverUrl = serverUrl;
  }

  static async login(serverUrl: string, username: string, password = 'demo', endpoint?: string): Promise<AgentDesktop> {
    const res = await simRequest<{ token: string }>(serverUrl, 'POST', '/api/v1/auth/login', {
      username,
      password,
      ...(endpoint ? { endpoint } : {}),
    });
    if (res.status !== 200) throw new Error(`login ${username} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const desktop = new AgentDesktop(serverUrl, res.body.token);
    await desktop.connect();
    return desktop;
  }

  async connect(): Promise<void> {
    const url = `${this.serverUrl.replace('http', 'ws')}/ws/agent?token=${encodeURIComponent(this.token)}`;
    const socket = new WebSocket(url);
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as WireMessage;
      this.onMessage?.(message);
      this.received.push(message);
    });
    socket.once('close', (code: number) => {
      this.closeCode = code;
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closeCode = null;
    this.socket = socket;
    await this.next('hello');
  }

  /** The first message of a type (after `after` messages) that matches, waiting for it if needed. */
  next(type: string, match: (m: WireMessage) => boolean = () => true, timeoutMs = 10_000): Promise<WireMessage> {
    return waitFor(() => this.received.find((m) => m.type === type && match(m)), `agent message ${type}`, timeoutMs);
  }

  async command(type: string, fields: Record<string, unknown> = {}): Promise<WireMessage> {
    const id = `c${this.nextId++}`;
    this.socket?.send(JSON.stringify({ id, type, ...fields }));
    return this.next('result', (m) => m.id === id);
  }

  /** The close code, once the socket has closed. */
  closed(timeoutMs = 10_000): Promise<number> {
    return waitFor(() => this.closeCode, 'agent socket closed', timeoutMs);
  }

  sendRaw(text: string): void {
    this.socket?.send(text);
  }

  close(): void {
    this.socket?.close();
  }
  /** Closes the socket and opens it again (a page reload, a network blip): the new `hello`, with what came before it forgotten. */
  async reconnect(): Promise<WireMessage> {
    this.close();
    await this.closed();
    this.received.length = 0;
    await this.connect();
    return this.next('hello');
  }

}

/**
 * The desktops a test file opens, so that it closes them all when it is done: `open` logs an agent
 * in and, when asked, makes them ready (示闲), checking the server took it.
 */
export class OpenDesks {
  private readonly desks: AgentDesktop[] = [];

  constructor(private readonly serverUrl: () => string) {}

  async open(login: string, ready = false): Promise<AgentDesktop> {
    const desk = await AgentDesktop.login(this.serverUrl(), login);
    this.desks.push(desk);
    if (ready) {
      const answer = await desk.command('agent.ready');
      if (answer.ok !== true) throw new Error(`agent ${login} not made ready: ${JSON.stringify(answer)}`);
    }
    return desk;
  }

  closeAll(): void {
    while (this.desks.length) this.desks.pop()?.close();
  }
}
