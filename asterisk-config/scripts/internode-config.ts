/**
 * npm run internode-config -- --self <node> --node <name>=<address> [--node …] [--port 5060] [--out <file>]
 *
 * Writes pjsip_internode.conf for node <self> of a centre with several Asterisk nodes: the trunk to
 * every other node (internode-<name>). Run it once per node with that node as --self and the others
 * as --node, and copy each file to that node's /etc/asterisk/. --out defaults to
 * pjsip_internode.conf in the current directory (not asterisk-config/, which is the single-node
 * configuration). Exit status: 0 written, 2 refused input (every problem is named).
 */
import { writeFileSync } from 'node:fs';
import { isMain, parseArgLists } from './cli-args.js';
import { INTERNODE_FILE, NodeInputError, parsePeer, parsePort } from './internode-nodes.js';
import { renderInternodeConf } from './internode-render.js';

const USAGE = 'usage: npm run internode-config -- --self <node> --node <name>=<address> [--node <name>=<address> …] [--port 5060] [--out <file>]';

export function main(argv: string[], print: (line: string) => void): number {
  let parsed: ReturnType<typeof parseArgLists>;
  try {
    parsed = parseArgLists(argv, ['self', 'port', 'out'], ['help'], ['node']);
  } catch (e) {
    print(`internode-config: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { options, lists } = parsed;
  if (options.has('help')) {
    print(USAGE);
    return 0;
  }
  const self = options.get('self');
  let text: string;
  try {
    if (self === undefined) throw new NodeInputError('--self <node> is missing: the name of the node the file is for');
    const port = options.get('port');
    text = renderInternodeConf({ self, peers: (lists.get('node') ?? []).map(parsePeer), ...(port === undefined ? {} : { port: parsePort(port) }) });
  } catch (e) {
    if (!(e instanceof NodeInputError)) throw e;
    print(`internode-config: ${e.message}\n${USAGE}`);
    return 2;
  }
  const out = options.get('out') ?? INTERNODE_FILE;
  writeFileSync(out, text);
  print(`internode-config: wrote ${out} for node ${self}; copy it to /etc/asterisk/${INTERNODE_FILE} on node ${self}, then run "module reload res_pjsip.so" there`);
  return 0;
}

if (isMain(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2), (line) => console.log(line));
}
