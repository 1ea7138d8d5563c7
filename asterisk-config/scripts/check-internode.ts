/**
 * Several Asterisk nodes behind one CTI server: the trunk to each other node and what a call from
 * one may reach. Runs when the directory has pjsip_internode.conf (or defines internode-* endpoints),
 * or when --nodes/--self are given; a single node is not checked at all.
 *
 * - every endpoint internode-<node> is on the template, in context from-internode, on a transport
 *   that exists, with an AOR that has a contact (the server dials PJSIP/<extension>@internode-<node>) and an identify that matches
 *   the node's address (else its calls are not accepted);
 * - [from-internode] exists and reaches no Stasis application, no carrier context (from-pstn, the
 *   trunk's), no outbound or emergency context and dials nothing but this node's phones;
 * - with --nodes, every other node has its endpoint and no other node has one;
 * - asterisk.conf (when present) gives this node its own systemname.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AsteriskFiles } from './asterisk-files.js';
import { CALL_TIMING_LIMITS } from '../../cti/calls/call-timings.js';
import { lastValue, objects, readConf, type ConfEntry, type ConfFile } from './conf-file.js';
import { reachFrom } from './dialplan-reach.js';
import { error, warning, type Finding } from './findings.js';
import { INTERNODE_CONTEXT, INTERNODE_FILE, INTERNODE_PREFIX, NodeInputError, internodeEndpoint, nodeNameProblem } from './internode-nodes.js';
import { checkSystemname } from './check-systemname.js';

/** The pjsip.conf templates the generated objects are built on. */
export const INTERNODE_TEMPLATES = { endpoint: 'internode-endpoint', aor: 'internode-aor', identify: 'internode-identify' } as const;

/** Contexts that lead to the carrier or into the hotline: never for a call from a peer node. */
export const CLOSED_TO_PEERS = ['from-pstn', 'outbound', 'emergency'] as const;

export interface InternodeOptions {
  /** This node's name (--self). */
  self?: string;
  /** Every node of the centre, this one included (--nodes a,b,c). */
  nodes?: string[];
}

/** `--nodes a,b,c` and `--self a` as given on the command line; throws NodeInputError naming every problem. */
export function parseNodeOptions(nodes: string | undefined, self: string | undefined): InternodeOptions {
  const problems: string[] = [];
  if (self !== undefined) {
    const problem = nodeNameProblem(self);
    if (problem) problems.push(`--self: ${problem}`);
  }
  if (nodes === undefined) {
    if (problems.length > 0) throw new NodeInputError(problems.join('\n'));
    return self === undefined ? {} : { self };
  }
  const list = nodes.split(',').map((n) => n.trim());
  for (const name of list) {
    const problem = nodeNameProblem(name);
    if (problem) problems.push(`--nodes: ${problem}`);
  }
  const twice = [...new Set(list.filter((n, i) => list.indexOf(n) !== i))];
  if (twice.length > 0) problems.push(`--nodes: ${twice.join(', ')} given more than once`);
  if (self === undefined) problems.push('--nodes needs --self: the name of the node whose configuration this is');
  else if (!list.includes(self)) problems.push(`--self ${self} is not one of --nodes ${nodes}`);
  if (problems.length > 0) throw new NodeInputError(problems.join('\n'));
  return { nodes: list, ...(self === undefined ? {} : { self }) };
}

interface PjsipObject {
  name: string;
  inherits: string[];
  entries: ConfEntry[];
  at: string;
}

function typed(file: ConfFile, type: string): PjsipObject[] {
  return objects(file)
    .filter((o) => (lastValue(o.entries, 'type') ?? '').toLowerCase() === type)
    .map((o) => ({ name: o.section.name, inherits: o.section.inherits, entries: o.entries, at: o.section.at }));
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** The trunk objects of every internode-* endpoint. */
function checkEndpoints(pjsip: ConfFile): Finding[] {
  const findings: Finding[] = [];
  const aors = typed(pjsip, 'aor');
  const identifies = typed(pjsip, 'identify');
  const transports = typed(pjsip, 'transport').map((t) => t.name);
  for (const endpoint of typed(pjsip, 'endpoint').filter((e) => e.name.startsWith(INTERNODE_PREFIX))) {
    const name = endpoint.name;
    const node = name.slice(INTERNODE_PREFIX.length);
    const problem = nodeNameProblem(node);
    if (problem) findings.push(error('internode-name', `endpoint ${name}: ${problem}, so the server never dials it`, endpoint.at));
    if (!endpoint.inherits.includes(INTERNODE_TEMPLATES.endpoint)) {
      findings.push(warning('internode-template', `endpoint ${name} is not built on the template ${INTERNODE_TEMPLATES.endpoint}: its codecs, media and caller-id settings may differ from the other nodes'; generate it with npm run internode-config`, endpoint.at));
    }
    const context = lastValue(endpoint.entries, 'context') ?? 'default';
    if (context !== INTERNODE_CONTEXT) {
      findings.push(error('internode-context', `calls from node ${node} (endpoint ${name}) go to context ${context}, not ${INTERNODE_CONTEXT}: a peer node could reach more than the agent phones`, endpoint.at));
    }
    const transport = lastValue(endpoint.entries, 'transport');
    if (transport !== undefined && !transports.includes(transport)) {
      findings.push(error('internode-transport', `endpoint ${name} uses transport ${transport}, which pjsip.conf does not define (or has commented out): calls to node ${node} could not be sent`, endpoint.at));
    }
    const own = list(lastValue(endpoint.entries, 'aors'));
    const withContact = aors.filter((a) => own.includes(a.name) && list(lastValue(a.entries, 'contact')).length > 0);
    if (withContact.length === 0) {
      findings.push(error('internode-aor', `endpoint ${name} has no AOR with a contact (aors = ${own.join(',') || 'nothing'}): the server's calls to agents on node ${node} (PJSIP/<extension>@${name}) would fail`, endpoint.at));
    } else if (!withContact.some((a) => Number(lastValue(a.entries, 'qualify_frequency') ?? '0') > 0)) {
      findings.push(warning('internode-qualify', `the AOR of ${name} has no qualify_frequency: Asterisk would not notice that node ${node} is down, and calls to its agents would ring into nothing`, withContact[0]?.at));
    }
    const matched = identifies.filter((i) => list(lastValue(i.entries, 'endpoint')).includes(name) && list(lastValue(i.entries, 'match')).length > 0);
    if (matched.length === 0) {
      findings.push(error('internode-identify', `no identify with a match names endpoint ${name}: calls from node ${node} to this node's agents would be refused`, endpoint.at));
    }
  }
  return findings;
}

/** [from-internode] rings this node's phones and reaches nothing else. */
function checkContext(files: AsteriskFiles): Finding[] {
  const plan = files.dialplan;
  if (!plan) return [];
  if (!plan.contexts.has(INTERNODE_CONTEXT)) {
    return [error('internode-context-missing', `extensions.conf has no [${INTERNODE_CONTEXT}]: calls from the other nodes to this node's agents have nowhere to go`)];
  }
  const findings: Finding[] = [];
  const reach = reachFrom(plan, INTERNODE_CONTEXT);
  const closed = new Set<string>([...CLOSED_TO_PEERS, ...(files.pjsip?.trunks.map((t) => t.context) ?? [])]);
  for (const context of reach.contexts.filter((c) => closed.has(c.name))) {
    findings.push(error('internode-exposes', `a call from another node reaches [${context.name}] from [${INTERNODE_CONTEXT}]: a peer node must reach the agent phones only, never the carrier or the hotline`, context.extensions[0]?.at));
  }
  const trunks = new Set(files.pjsip?.trunks.map((t) => t.name) ?? []);
  for (const { context, extension, step } of reach.steps) {
    const where = `${context},${extension}`;
    const app = step.app.toLowerCase();
    if (app === 'stasis') {
      findings.push(error('internode-exposes', `${where} enters Stasis() for a call from another node: the server already has that call on the caller's node`, step.at));
    }
    if (app !== 'dial') continue;
    const devices = (step.args[0] ?? '')
      .split('&')
      .map((d) => d.trim())
      .filter((d) => d !== '');
    for (const device of devices) {
      const endpoint = /^PJSIP\/[^@]+@(.+)$/i.exec(device)?.[1];
      const local = /^PJSIP\/[^@]+$/i.test(device);
      if (local || /^Local\//i.test(device)) continue;
      const through = endpoint !== undefined && trunks.has(endpoint) ? ' (the carrier trunk)' : '';
      findings.push(error('internode-exposes', `${where} dials ${device}${through} for a call from another node: only this node's phones (PJSIP/<extension>) may be rung`, step.at));
    }
    const ring = (step.args[1] ?? '').trim();
    const longest = CALL_TIMING_LIMITS.ringTimeoutSeconds[1];
    if (context === INTERNODE_CONTEXT && /^\d+$/.test(ring) && Number(ring) < longest) {
      findings.push(warning('internode-ring-time', `${where} rings for ${ring} s; the server may ring an agent up to ${longest} s (CTI_RING_TIMEOUT, the admin page's ring time): give Dial() ${longest} so the server decides when to stop`, step.at));
    }
  }
  for (const { context, extension, step } of reach.unfollowed) {
    findings.push(warning('internode-jump', `${context},${extension} runs ${step.app}() to a place the check cannot follow: make sure a call from another node reaches the agent phones only`, step.at));
  }
  return findings;
}

/** With --nodes: every other node has its endpoint, and no node outside the list (nor this one) has one. */
function checkPeers(pjsip: ConfFile, options: InternodeOptions): Finding[] {
  if (!options.nodes || options.self === undefined) return [];
  const self = options.self;
  const present = typed(pjsip, 'endpoint')
    .map((e) => e.name)
    .filter((n) => n.startsWith(INTERNODE_PREFIX));
  const expected = options.nodes.filter((n) => n !== self).map(internodeEndpoint);
  const regenerate = `npm run internode-config -- --self ${self} ${options.nodes
    .filter((n) => n !== self)
    .map((n) => `--node ${n}=<address>`)
    .join(' ')}`;
  const findings: Finding[] = [];
  for (const name of expected.filter((n) => !present.includes(n))) {
    findings.push(error('internode-peer-missing', `node ${name.slice(INTERNODE_PREFIX.length)} has no endpoint ${name}: the server could not ring its agents for callers on this node; generate ${INTERNODE_FILE} again: ${regenerate}`));
  }
  for (const name of present.filter((n) => !expected.includes(n))) {
    const node = name.slice(INTERNODE_PREFIX.length);
    const why = node === self ? 'is this node itself' : `is not one of --nodes ${options.nodes.join(',')}`;
    findings.push(error('internode-peer-extra', `endpoint ${name}: node ${node} ${why}; generate ${INTERNODE_FILE} again: ${regenerate}`));
  }
  return findings;
}

export function checkInternode(
  files: AsteriskFiles,
  options: InternodeOptions = {},
  pjsip: ConfFile | undefined = readConf(files.dir, 'pjsip.conf'),
  asterisk: ConfFile | undefined = readConf(files.dir, 'asterisk.conf'),
): Finding[] {
  const generated = existsSync(join(files.dir, INTERNODE_FILE));
  const peers = pjsip ? typed(pjsip, 'endpoint').filter((e) => e.name.startsWith(INTERNODE_PREFIX)) : [];
  if (!generated && peers.length === 0 && options.nodes === undefined && options.self === undefined) return [];
  const findings: Finding[] = [];
  const included = pjsip?.sections.some((s) => s.at.startsWith(`${INTERNODE_FILE}:`)) ?? false;
  if (generated && pjsip && !included && (readConf(files.dir, INTERNODE_FILE)?.sections.length ?? 0) > 0) {
    findings.push(error('internode-not-included', `pjsip.conf does not read ${INTERNODE_FILE}: add "#tryinclude ${INTERNODE_FILE}" at its end, or the other nodes are unknown to this one`));
  }
  if (pjsip) findings.push(...checkEndpoints(pjsip), ...checkPeers(pjsip, options));
  findings.push(...checkContext(files), ...checkSystemname(asterisk, files.dir, options.self));
  return findings;
}
