/** A bare TCP AMI client for frame-level tests: send raw text, wait for parsed frames or the close. */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { parseFrames } from '../frame.js';
import type { AmiField } from '../frame.js';

const WAIT_MS = 5_000;

export class RawAmiClient {
  private text = '';
  private readonly waiters = new Set<() => void>();
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.text += chunk;
      for (const waiter of [...this.waiters]) waiter();
    });
    socket.on('error', () => {
      // Tests look at `closed`; a reset is a close.
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async connect(port: number): Promise<RawAmiClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawAmiClient(socket);
  }

  /** Everything received so far, verbatim. */
  get received(): string {
    return this.text;
  }

  /** The greeting line (without CRLF), once it arrived. */
  get banner(): string | undefined {
    const end = this.text.indexOf('\r\n');
    return end === -1 ? undefined : this.text.slice(0, end);
  }

  /** Complete frames after the banner. */
  frames(): AmiField[][] {
    const end = this.text.indexOf('\r\n');
    return end === -1 ? [] : parseFrames(this.text.slice(end + 2));
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Send one action; `fields` in order, CRLF framing. */
  action(fields: Record<string, string>): void {
    let text = '';
    for (const [key, value] of Object.entries(fields)) text += `${key}: ${value}\r\n`;
    this.socket.write(`${text}\r\n`);
  }

  /** Resolve once `predicate` holds for the received frames (checked on every new chunk). */
  async waitFor<T>(predicate: (frames: AmiField[][]) => T | undefined | false, what = 'frames'): Promise<T> {
    const check = (): T | undefined | false => predicate(this.frames());
    const first = check();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${what}; received:\n${this.text}`));
      }, WAIT_MS);
      const waiter = (): void => {
        const result = check();
        if (!result) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(result);
      };
      this.waiters.add(waiter);
    });
  }

  /** Wait for the frame whose first field is `Response` and whose ActionID is `actionId`. */
  async response(actionId: string): Promise<AmiField[]> {
    return this.waitFor(
      (frames) => frames.find((frame) => frame[0]?.[0] === 'Response' && frame.some(([k, v]) => k === 'ActionID' && v === actionId)),
      `response ${actionId}`,
    );
  }

  async login(username = 'cti', secret = 'cti-secret', actionId = 'login'): Promise<AmiField[]> {
    this.action({ Action: 'Login', Username: username, Secret: secret, ActionID: actionId });
    return this.response(actionId);
  }

  close(): void {
    this.socket.destroy();
  }
}
