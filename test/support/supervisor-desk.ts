/** A scripted wallboard for tests: logs in, connects `/ws/supervisor`, keeps messages, sends commands. */
import { WebSocket } from 'ws';
import type { WireMessage } from './agent-desktop.js';
import { simRequest, waitFor } from './sim-client.js';

export class SupervisorDesk {
  readonly received: WireMessage[] = [];
  private nextId = 1;
  /** The close code, once the socket has closed. */
  closeCode: number | null = null;

  private constructor(
    private readonly socket: WebSocket,
    /** The session's token (to log out with, as the page does). */
    readonly token: string,
  ) {
    socket.on('message', (data: Buffer) => this.received.push(JSON.parse(data.toString()) as WireMessage));
    socket.once('close', (code: number) => {
      this.closeCode = code;
    });
  }

  static async login(serverUrl: string, username: string, endpoint?: string, password = 'demo'): Promise<SupervisorDesk> {
    const res = await simRequest<{ token: string }>(serverUrl, 'POST', '/api/v1/auth/login', { username, password, ...(endpoint ? { endpoint } : {}) });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
    return SupervisorDesk.connect(serverUrl, res.body.token);
  }

  /** Another wallboard of the same login session (the page reloaded, or opened again in a tab). */
  static async connect(serverUrl: string, token: string): Promise<SupervisorDesk> {
    const socket = new WebSocket(`${serverUrl.replace('http', 'ws')}/ws/supervisor?token=${encodeURIComponent(token)}`);
    const desk = new SupervisorDesk(socket, token);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return desk;
  }

  next(type: string, match: (m: WireMessage) => boolean = () => true, timeoutMs = 10_000): Promise<WireMessage> {
    return waitFor(() => [...this.received].reverse().find((m) => m.type === type && match(m)), `supervisor message ${type}`, timeoutMs);
  }

  async command(type: string, fields: Record<string, unknown>): Promise<WireMessage> {
    const id = `s${this.nextId++}`;
    this.socket.send(JSON.stringify({ id, type, ...fields }));
    return this.next('result', (m) => m.id === id);
  }

  closed(timeoutMs = 10_000): Promise<number> {
    return waitFor(() => this.closeCode, 'supervisor socket closed', timeoutMs);
  }

  close(): void {
    this.socket.close();
  }
}
