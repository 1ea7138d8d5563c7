/**
 * The text of pjsip_internode.conf for one node: for every peer node an endpoint, an aor and an
 * identify named internode-<peer>, on the templates internode-endpoint, internode-aor and
 * internode-identify of pjsip.conf (which hold every other setting, so regenerating the file never
 * loses one). Pure: the same nodes give the same text.
 */
import { isIP } from 'node:net';
import { INTERNODE_FILE, NodeInputError, internodeEndpoint, validateNodes, type PeerNode } from './internode-nodes.js';

export const DEFAULT_SIP_PORT = 5060;

/** The IPv6 transport of pjsip.conf (shipped commented out): the template's transport-udp is IPv4 only. */
export const IPV6_TRANSPORT = 'transport-udp6';

export interface InternodeConfOptions {
  /** This node's name. */
  self: string;
  /** The other nodes, each once. */
  peers: readonly PeerNode[];
  /** The SIP port every node listens on (pjsip.conf transports); 5060 unless given. */
  port?: number;
}

/** Where the peer takes calls: `sip:10.0.0.12:5060`, `sip:[2001:db8::12]:5060`, `sip:b.example:5060`. */
export function sipContact(address: string, port: number): string {
  return isIP(address) === 6 ? `sip:[${address}]:${port}` : `sip:${address}:${port}`;
}

function peerObjects(peer: PeerNode, port: number): string[] {
  const name = internodeEndpoint(peer.name);
  return [
    `; Node ${peer.name}: its agent phones are rung from here as PJSIP/<extension>@${name}.`,
    `[${name}](internode-endpoint)`,
    `aors = ${name}`,
    ...(isIP(peer.address) === 6 ? [`transport = ${IPV6_TRANSPORT}`] : []),
    '',
    `[${name}](internode-aor)`,
    `contact = ${sipContact(peer.address, port)}`,
    '',
    // Calls from this address are the peer's; without the match they would not be accepted.
    `[${name}](internode-identify)`,
    `endpoint = ${name}`,
    `match = ${peer.address}`,
    '',
  ];
}

/** Throws NodeInputError (every problem in one message) on invalid names, addresses or port. */
export function renderInternodeConf(options: InternodeConfOptions): string {
  const port = options.port ?? DEFAULT_SIP_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new NodeInputError(`--port ${port}: a SIP port is a number from 1 to 65535`);
  const peers = validateNodes(options.self, options.peers).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const command = [
    'npm run internode-config --',
    `--self ${options.self}`,
    ...peers.map((p) => `--node ${p.name}=${p.address}`),
    ...(port === DEFAULT_SIP_PORT ? [] : [`--port ${port}`]),
  ].join(' ');
  return [
    `; ${INTERNODE_FILE} of node ${options.self}: the inter-node trunk to ${peers.map((p) => p.name).join(', ')}.`,
    '; Generated; when a node is added, removed or moves, generate it again on every node rather than',
    '; editing it:',
    `;   ${command}`,
    '; pjsip.conf reads it (#tryinclude); its templates hold every setting but the names and addresses.',
    '',
    ...peers.flatMap((peer) => peerObjects(peer, port)),
  ].join('\n');
}
