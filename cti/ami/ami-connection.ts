/**
 * The one typed facade over the `asterisk-manager` package. It logs in, keeps the connection up
 * (reconnecting with backoff, logging in again), turns the package's loose objects into typed events
 * and responses, and gathers list actions (items arrive as events after the first response).
 */
import createManager, { type Manager, type RawAmiMessage } from 'asterisk-manager';
import { EventEmitter } from 'node:events';
import type { Logger } from '../logging.js';
import { dispatchSafely } from './ami-dispatch.js';
import { toAmiEvent, toAmiResponse } from './ami-message.js';
import { AmiError, type AmiEvent, type AmiResponse, type AmiSettings } from './ami-types.js';

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000, 10000];
const ACTION_TIMEOUT_MS = 10_000;

interface AmiConnectionEvents {
  event: [AmiEvent];
  connected: [];
  disconnected: [];
}

export class AmiConnection extends EventEmitter<AmiConnectionEvents> {
  private manager: Manager | null = null;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private nextActionId = 1;
  private connected = false;

  constructor(
    private readonly settings: AmiSettings,
    private readonly log: Logger,
  ) {
    super();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects and logs in; rejects with `AmiError('auth')` on a refused login. Later drops reconnect by themselves. */
  async connect(): Promise<void> {
    this.closed = false;
    await this.open();
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const manager = createManager();
      manager.options = {
        port: this.settings.port,
        host: this.settings.host,
        username: this.settings.username,
        password: this.settings.secret,
        events: true,
      };
      // The package's own dispatch lets a PBX's event names and ActionIDs reach its internals.
      dispatchSafely(manager, (why) => this.log.warn({ why }, 'AMI message dropped'));
      let settled = false;
      manager.on('error', (error) => {
        const message = error instanceof Error ? error.message : String(error);
        this.log.debug({ err: message }, 'AMI socket error');
        if (!settled) {
          settled = true;
          reject(new AmiError('connection', `AMI ${this.settings.host}:${this.settings.port}: ${message}`));
        }
      });
      manager.on('close', () => this.onClose(manager));
      manager.on('managerevent', (raw) => this.onEvent(raw));
      manager.connect(this.settings.port, this.settings.host, () => {
        manager.login((error) => {
          if (settled) return;
          settled = true;
          if (error) {
            manager.removeAllListeners('close');
            manager.disconnect();
            reject(new AmiError('auth', `AMI login refused for user ${this.settings.username}`));
            return;
          }
          this.manager = manager;
          this.attempt = 0;
          this.connected = true;
          this.log.info({ host: this.settings.host, port: this.settings.port }, 'AMI connected');
          this.action('Events', { EventMask: this.settings.eventMask ?? 'system,call' }).catch((maskError: unknown) =>
            this.log.warn({ err: (maskError as Error).message }, 'AMI event mask not applied; receiving all events'),
          );
          this.emit('connected');
          resolve();
        });
      });
    });
  }

  private onClose(manager: Manager): void {
    if (this.manager !== manager) return;
    this.manager = null;
    if (this.connected) {
      this.connected = false;
      this.log.warn('AMI connection lost');
      this.emit('disconnected');
    }
    if (!this.closed) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt, RECONNECT_DELAYS_MS.length - 1)] ?? 10_000;
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open().catch((error: unknown) => {
        this.log.warn({ err: (error as Error).message, attempt: this.attempt }, 'AMI reconnect failed');
        if (!this.closed) this.scheduleReconnect();
      });
    }, delay);
  }

  private onEvent(raw: RawAmiMessage): void {
    const event = toAmiEvent(raw);
    if (!event) {
      this.log.warn('AMI message without an event name dropped');
      return;
    }
    this.emit('event', event);
  }

  /** Sends an action; resolves with its response, rejects with `AmiError('action')` on `Response: Error`. */
  action(name: string, fields: Record<string, string | number> = {}): Promise<AmiResponse> {
    const manager = this.manager;
    if (!manager) return Promise.reject(new AmiError('connection', 'AMI is not connected'));
    const actionid = `cti-${this.nextActionId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new AmiError('timeout', `AMI ${name} got no response`)), ACTION_TIMEOUT_MS);
      manager.action({ ...fields, action: name, actionid }, (error, raw) => {
        clearTimeout(timer);
        const response = toAmiResponse(error ?? raw);
        if (error) reject(new AmiError('action', `AMI ${name}: ${response.message || 'error'}`));
        else resolve(response);
      });
    });
  }

  /**
   * Runs a list action (`CoreShowChannels`, `Status`, …): the first response says the list follows,
   * the items arrive as events with our ActionID, and an event with `EventList: Complete` ends it.
   */
  async list(name: string, fields: Record<string, string | number> = {}): Promise<AmiEvent[]> {
    const manager = this.manager;
    if (!manager) throw new AmiError('connection', 'AMI is not connected');
    const actionid = `cti-${this.nextActionId++}`;
    const items: AmiEvent[] = [];
    return new Promise((resolve, reject) => {
      const onItem = (event: AmiEvent) => {
        if (event.fields.actionid !== actionid) return;
        if (event.fields.eventlist?.toLowerCase() === 'complete') {
          finish();
          resolve(items);
        } else items.push(event);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new AmiError('timeout', `AMI ${name} list did not complete`));
      }, ACTION_TIMEOUT_MS);
      const finish = () => {
        clearTimeout(timer);
        this.off('event', onItem);
      };
      this.on('event', onItem);
      manager.action({ ...fields, action: name, actionid }, (error, raw) => {
        if (!error) return;
        finish();
        reject(new AmiError('action', `AMI ${name}: ${toAmiResponse(error ?? raw).message || 'error'}`));
      });
    });
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const manager = this.manager;
    this.manager = null;
    this.connected = false;
    manager?.disconnect();
  }
}
