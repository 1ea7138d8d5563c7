/**
 * Keeps the server linked to Asterisk: AMI and ARI are connected at start and, when Asterisk is not
 * there yet (or refuses us), retried until they are. Once up, each facade reconnects by itself.
 * The server runs meanwhile and reports the link state at /health.
 */
import { AmiConnection } from '../ami/ami-connection.js';
import { AmiError, type AmiSettings } from '../ami/ami-types.js';
import { AriConnection } from '../ari/ari-connection.js';
import { AriError, type AriSettings } from '../ari/ari-types.js';
import type { Logger } from '../logging.js';

const RETRY_MS = 2_000;
const AUTH_RETRY_MS = 30_000;

export interface PbxLinkStatus {
  ami: boolean;
  ari: boolean;
}

export class PbxLink {
  readonly ami: AmiConnection;
  readonly ari: AriConnection;
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(settings: { ami: AmiSettings; ari: AriSettings }, private readonly log: Logger) {
    this.ami = new AmiConnection(settings.ami, log.child({ link: 'ami' }));
    this.ari = new AriConnection(settings.ari, log.child({ link: 'ari' }));
  }

  status(): PbxLinkStatus {
    return { ami: this.ami.isConnected, ari: this.ari.isConnected };
  }

  /**
   * Is the Stasis application registered on the PBX right now (ARI `GET /applications/{app}`)? The
   * dialplan sends callers to the survival path whenever it is not, even with both links up.
   */
  async applicationRegistered(): Promise<boolean> {
    if (!this.ari.isConnected) return false;
    try {
      return await this.ari.hasApplication(this.ari.app);
    } catch {
      return false;
    }
  }

  /** Starts both links; resolves once the first attempt of each has finished, whatever its outcome. */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([this.attempt('ami', () => this.ami.connect()), this.attempt('ari', () => this.ari.connect())]);
  }

  private async attempt(name: 'ami' | 'ari', connect: () => Promise<void>): Promise<void> {
    try {
      await connect();
    } catch (error) {
      if (this.stopped) return;
      const auth = (error instanceof AmiError || error instanceof AriError) && error.kind === 'auth';
      const delay = auth ? AUTH_RETRY_MS : RETRY_MS;
      this.log[auth ? 'error' : 'warn']({ link: name, err: (error as Error).message, retryInMs: delay }, `${name.toUpperCase()} not connected`);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.attempt(name, connect);
      }, delay);
      this.timers.add(timer);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ami.close();
    this.ari.close();
  }
}
