/**
 * The server's links to every Asterisk node: one AMI and one ARI link per node (cti/pbx-link.ts),
 * each retried and reconnected on its own, so a node that is down holds up none of the others. The
 * call flow talks to all of them through one ARI facade (pbx-ari.ts).
 */
import type { AmiConnection } from '../ami/ami-connection.js';
import type { AmiSettings } from '../ami/ami-types.js';
import type { AriConnection } from '../ari/ari-connection.js';
import type { AriSettings } from '../ari/ari-types.js';
import type { Logger } from '../logging.js';
import { PbxLink } from './pbx-link.js';
import { PbxAri } from './pbx-ari.js';

export interface NodeSettings {
  name: string;
  ami: AmiSettings;
  ari: AriSettings;
}

/** One node's links, as `/health` and the wallboard show them. */
export interface NodeStatus {
  name: string;
  ami: boolean;
  ari: boolean;
}

export interface PbxNodeLinks {
  name: string;
  link: PbxLink;
  ami: AmiConnection;
  ari: AriConnection;
}

export class PbxNodes {
  readonly nodes: readonly PbxNodeLinks[];
  /** ARI over every node: what the call flow uses. */
  readonly ari: PbxAri;

  constructor(settings: NodeSettings[], log: Logger) {
    this.nodes = settings.map((s) => {
      const link = new PbxLink(s, log.child({ node: s.name }));
      return { name: s.name, link, ami: link.ami, ari: link.ari };
    });
    this.ari = new PbxAri(
      this.nodes.map((n) => ({ name: n.name, ari: n.ari })),
      log.child({ part: 'nodes' }),
    );
  }

  /** The first node's AMI (the only one with a single node). */
  get ami(): AmiConnection {
    const [first] = this.nodes;
    if (!first) throw new Error('no Asterisk node');
    return first.ami;
  }

  /** Every node's AMI and ARI are up. */
  status(): { ami: boolean; ari: boolean } {
    return { ami: this.nodes.every((n) => n.ami.isConnected), ari: this.nodes.every((n) => n.ari.isConnected) };
  }

  nodeStatus(): NodeStatus[] {
    return this.nodes.map((n) => ({ name: n.name, ...n.link.status() }));
  }

  /** Per node: is the Stasis application registered there (false while its ARI is down)? */
  async applicationRegistered(): Promise<Record<string, boolean>> {
    const answers = await Promise.all(this.nodes.map(async (n) => [n.name, await n.link.applicationRegistered()] as const));
    return Object.fromEntries(answers);
  }

  /** Starts every node's links; resolves once each has made its first attempt. */
  async start(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.link.start()));
  }

  stop(): void {
    for (const n of this.nodes) n.link.stop();
    this.ari.close();
  }
}
