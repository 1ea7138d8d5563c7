/**
 * The ARI application of recordings run 2 and run 5 (`hotline12345`), over plain HTTP and a raw
 * WebSocket: answer the caller, wait for DTMF 1, create a mixing bridge, originate the agent
 * (`Local/1001@agents` in run 2, `PJSIP/1002` in run 5) into the app with `appArgs=agent,<caller id>`,
 * and bridge both when the agent's StasisStart arrives. Hanging up is driven by the test, one step
 * at a time, so the event order does not depend on timers.
 */
import { WebSocket } from 'ws';

const USER = 'cti';
const PASSWORD = 'cti-secret';
const APP = 'hotline12345';
const WAIT_MS = 10_000;

interface AriChannel {
  id: string;
  name: string;
}
interface AriEvent {
  type: string;
  args?: string[];
  digit?: string;
  channel?: AriChannel;
}
interface AriBridge {
  id: string;
  channels: string[];
}

export async function ari<T = unknown>(httpUrl: string, method: string, path: string): Promise<T> {
  const response = await fetch(`${httpUrl}/ari${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
  });
  if (!response.ok) throw new Error(`ARI ${method} ${path} → ${response.status} ${await response.text()}`);
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Poll until `check` holds. */
export async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function channelNames(httpUrl: string): Promise<string[]> {
  return (await ari<AriChannel[]>(httpUrl, 'GET', '/channels')).map((channel) => channel.name);
}

export class RecordedHotlineApp {
  private socket: WebSocket | undefined;
  private callerId: string | undefined;
  private agentId: string | undefined;
  private bridgeId: string | undefined;
  private readonly errors: unknown[] = [];

  /** `agentEndpoint`: what the app dials for the agent; its channels are named after it. */
  constructor(
    private readonly httpUrl: string,
    private readonly agentEndpoint: string,
  ) {}

  /** The caller's channel id, once it entered the app. */
  get caller(): string | undefined {
    return this.callerId;
  }

  async connect(): Promise<void> {
    const url = `${this.httpUrl.replace(/^http/, 'ws')}/ari/events?app=${APP}&api_key=${USER}:${PASSWORD}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('message', (data: Buffer) => {
      this.handle(JSON.parse(data.toString('utf8')) as AriEvent).catch((error: unknown) => this.errors.push(error));
    });
  }

  close(): void {
    this.socket?.close();
  }

  /** Resolves once caller and agent are both in the bridge. */
  async bridged(): Promise<void> {
    await until(async () => {
      this.throwIfFailed();
      if (!this.bridgeId) return false;
      const bridge = await ari<AriBridge>(this.httpUrl, 'GET', `/bridges/${this.bridgeId}`);
      return bridge.channels.length === 2;
    }, 'caller and agent bridged');
  }

  /** The recorded teardown: caller first, then the agent, then the bridge, each once the previous settled. */
  async hangUp(settle: () => Promise<void>): Promise<void> {
    const { callerId, agentId, bridgeId } = this;
    if (!callerId || !agentId || !bridgeId) throw new Error('nothing to hang up');
    await ari(this.httpUrl, 'DELETE', `/channels/${callerId}?reason=normal`);
    await until(
      async () => (await channelNames(this.httpUrl)).every((name) => name.startsWith(`${this.agentEndpoint}-`)),
      'caller legs gone',
    );
    await settle();
    await ari(this.httpUrl, 'DELETE', `/channels/${agentId}`);
    await until(async () => (await channelNames(this.httpUrl)).length === 0, 'agent legs gone');
    await settle();
    await ari(this.httpUrl, 'DELETE', `/bridges/${bridgeId}`);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.errors.length > 0) throw new Error(`ARI app failed: ${String(this.errors[0])}`);
  }

  private async handle(event: AriEvent): Promise<void> {
    const channel = event.channel;
    if (event.type === 'StasisStart' && channel && event.args?.[0] !== 'agent') {
      this.callerId = channel.id;
      await ari(this.httpUrl, 'POST', `/channels/${channel.id}/answer`);
      await ari(this.httpUrl, 'GET', `/channels/${channel.id}`);
      return;
    }
    if (event.type === 'ChannelDtmfReceived' && channel && channel.id === this.callerId && event.digit === '1') {
      const bridge = await ari<AriBridge>(this.httpUrl, 'POST', `/bridges?type=mixing&name=hotline-${channel.id}`);
      this.bridgeId = bridge.id;
      const query = new URLSearchParams({
        endpoint: this.agentEndpoint,
        app: APP,
        appArgs: `agent,${channel.id}`,
        callerId: '"Hotline 12345" <12345>',
        timeout: '30',
      });
      const agent = await ari<AriChannel>(this.httpUrl, 'POST', `/channels?${query.toString()}`);
      this.agentId = agent.id;
      return;
    }
    if (event.type === 'StasisStart' && channel && event.args?.[0] === 'agent' && this.bridgeId && this.callerId) {
      await ari(this.httpUrl, 'POST', `/bridges/${this.bridgeId}/addChannel?channel=${this.callerId},${channel.id}`);
    }
  }
}
