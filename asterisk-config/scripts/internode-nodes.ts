/**
 * The Asterisk nodes of one centre as the inter-node trunk names them: a node's name (as the
 * server's settings list it), the PJSIP endpoint that reaches it (`internode-<name>`, which the
 * server dials as `PJSIP/<extension>@internode-<name>`), and the address of a peer node.
 */
import { isIP } from 'node:net';

/** A node's name in the server's settings. */
export const NODE_NAME = /^[a-z0-9][a-z0-9-]{0,30}$/;

/** The PJSIP objects (endpoint, aor, identify) of a peer node are named `internode-<name>`. */
export const INTERNODE_PREFIX = 'internode-';

/** The dialplan context calls from a peer node arrive in (extensions.conf). */
export const INTERNODE_CONTEXT = 'from-internode';

/** The generated file pjsip.conf reads with `#tryinclude`. */
export const INTERNODE_FILE = 'pjsip_internode.conf';

export const internodeEndpoint = (node: string): string => `${INTERNODE_PREFIX}${node}`;

export interface PeerNode {
  name: string;
  /** IPv4 or IPv6 address (without brackets) or host name. */
  address: string;
}

/** Input the generator or the check refuses; the message says what to write instead. */
export class NodeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeInputError';
  }
}

/** Why `name` is not a node name, or undefined when it is one. */
export function nodeNameProblem(name: string): string | undefined {
  if (NODE_NAME.test(name)) return undefined;
  return `"${name}" is not a node name: 1 to 31 characters of a-z, 0-9 and "-", starting with a letter or digit`;
}

/** A DNS host name: labels of letters, digits and inner hyphens; not all digits at the end (that is a bad IPv4 address). */
function isHostname(text: string): boolean {
  if (text.length > 253) return false;
  const labels = text.replace(/\.$/, '').split('.');
  const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
  return labels.every((l) => label.test(l)) && !/^\d+$/.test(labels.at(-1) ?? '');
}

export type AddressKind = 'ipv4' | 'ipv6' | 'hostname';

/** The address as it goes into the files (IPv6 without brackets) and its kind; throws on anything else. */
export function normaliseAddress(node: string, text: string): { address: string; kind: AddressKind } {
  const bare = /^\[(.*)\]$/.exec(text)?.[1] ?? text;
  const version = isIP(bare);
  if (version === 4) return { address: bare, kind: 'ipv4' };
  if (version === 6) return { address: bare.toLowerCase(), kind: 'ipv6' };
  if (text.includes('/')) throw new NodeInputError(`node ${node}: "${text}" is a network; give the one address of the node`);
  if (/^[^:]+:\d+$/.test(text) || /^\[.*\]:\d+$/.test(text)) {
    throw new NodeInputError(`node ${node}: "${text}" has a port; give the address alone (--port sets the SIP port of every node)`);
  }
  if (isHostname(text)) return { address: text.toLowerCase(), kind: 'hostname' };
  throw new NodeInputError(`node ${node}: "${text}" is not an IPv4 or IPv6 address or a host name`);
}

/** `b=10.0.0.12` (a --node argument) into a peer node, as written: validateNodes checks it. */
export function parsePeer(spec: string): PeerNode {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new NodeInputError(`--node ${spec}: write it as <name>=<address>, e.g. --node b=10.0.0.12`);
  return { name: spec.slice(0, eq).trim(), address: spec.slice(eq + 1).trim() };
}

/** A SIP port: a whole number 1–65535. */
export function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new NodeInputError(`--port ${text}: a SIP port is a number from 1 to 65535`);
  return Number(text);
}

/**
 * This node and its peers, checked together: names valid, addresses valid, at least one peer, no
 * name twice, this node not among its own peers, no address twice (an identify match must name one
 * node). Returns the peers with their addresses as the files write them; throws one error listing
 * every problem.
 */
export function validateNodes(self: string, peers: readonly PeerNode[]): PeerNode[] {
  const problems: string[] = [];
  const selfProblem = nodeNameProblem(self);
  if (selfProblem) problems.push(`--self: ${selfProblem}`);
  if (peers.length === 0) problems.push('no peer node: give each other node as --node <name>=<address> (a single node needs no pjsip_internode.conf)');
  const valid: PeerNode[] = [];
  for (const peer of peers) {
    const problem = nodeNameProblem(peer.name);
    if (problem) problems.push(`--node ${peer.name}: ${problem}`);
    if (peer.address === '') {
      problems.push(`node ${peer.name}: its address is missing`);
      continue;
    }
    try {
      valid.push({ name: peer.name, address: normaliseAddress(peer.name, peer.address).address });
    } catch (e) {
      if (!(e instanceof NodeInputError)) throw e;
      problems.push(e.message);
    }
  }
  if (peers.some((p) => p.name === self)) problems.push(`node ${self} is this node (--self): it is not its own peer`);
  const twice = (values: string[]) => [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
  for (const name of twice(peers.map((p) => p.name))) problems.push(`node ${name} is given more than once`);
  for (const address of twice(valid.map((p) => p.address))) {
    const names = valid.filter((p) => p.address === address).map((p) => p.name);
    problems.push(`nodes ${names.join(' and ')} have the same address ${address}: calls from it could not be told apart`);
  }
  if (problems.length > 0) throw new NodeInputError(problems.join('\n'));
  return valid;
}
