/**
 * npm run check-config -- --asterisk-config <dir> [--sounds <dir>] [--demo]
 *
 * Reads an Asterisk configuration directory and the CTI server's settings (CTI_* variables,
 * CTI_CONFIG) and database (CTI_DB, an SQLite file or PostgreSQL, shown without its password;
 * --demo: the demo data instead) and reports what would keep calls from working: routes without a
 * DID, DIDs without a route or into another application, prompts missing on disk, AMI/ARI
 * credentials that differ from the server's, AMI rights beyond (or short of) what the server uses,
 * AMI or ARI reachable from more than the CTI server, more ARI connections (CTI_ARI_CONNECTIONS + the
 * event socket + browser phones) than http.conf's sessionlimit lets in. With several Asterisk nodes (a pjsip_internode.conf in the directory, or --nodes a,b,c
 * --self a): the trunk to every other node, what a call from one may reach, and systemname; the
 * AMI/ARI files are then compared with --self's entry of the server's node list.
 * Exit status: 0 no errors (warnings allowed), 1 errors found, 2 the check could not run.
 */
import { parseNodeOptions, type InternodeOptions } from './check-internode.js';
import { isMain, parseArgs } from './cli-args.js';
import type { Finding } from './findings.js';
import { defaultSoundsDir, runCheck } from './run-check.js';
import { SetupError, forNode, readServerFacts } from './server-facts.js';

const USAGE =
  'usage: npm run check-config -- --asterisk-config <dir> [--sounds <dir>] [--demo] [--nodes <a,b,…> --self <node>] (without --nodes, --self checks against the server settings\' nodes)';

function format(f: Finding): string {
  return `${f.level === 'error' ? 'ERROR  ' : 'WARNING'} ${f.code}: ${f.message}${f.at ? ` [${f.at}]` : ''}`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  let options: Map<string, string>;
  let internode: InternodeOptions;
  try {
    options = parseArgs(argv, ['asterisk-config', 'sounds', 'nodes', 'self'], ['demo', 'help']);
    internode = parseNodeOptions(options.get('nodes'), options.get('self'));
  } catch (e) {
    print(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.has('help')) {
    print(USAGE);
    return 0;
  }
  const asteriskDir = options.get('asterisk-config') ?? 'asterisk-config';
  const soundsDir = options.get('sounds') ?? defaultSoundsDir(asteriskDir);
  try {
    let facts = await readServerFacts(env, { demo: options.has('demo') });
    print(`check-config: ${asteriskDir} with prompts in ${soundsDir}, against ${facts.database} (application ${facts.config.ari.app})`);
    // Without --nodes, the nodes the server is set up with (its `nodes` setting) are the centre's.
    const serverNodes = facts.config.nodes?.map((n) => n.name) ?? [];
    if (internode.nodes === undefined && internode.self !== undefined && serverNodes.length > 1) {
      try {
        internode = parseNodeOptions(serverNodes.join(','), internode.self);
      } catch (e) {
        print(`${(e as Error).message} (the nodes of the server's settings)\n${USAGE}`);
        return 2;
      }
      print(`nodes from the server's settings: ${serverNodes.join(', ')}`);
    }
    // This node's files are compared with this node's entry of the settings: its AMI and ARI, not the first node's.
    const self = internode.self === undefined ? undefined : facts.config.nodes?.find((n) => n.name === internode.self);
    if (internode.self !== undefined && serverNodes.length > 0 && !self) {
      print(`--self ${internode.self} is not one of the nodes of the server's settings (${serverNodes.join(', ')}): the server would not link to it\n${USAGE}`);
      return 2;
    }
    if (self) facts = forNode(facts, self);
    if (facts.node !== undefined) print(`AMI and ARI of node ${facts.node} (${self ? '--self' : "the first of the server's settings; --self <node> for another"})`);
    const findings = runCheck(asteriskDir, soundsDir, facts, internode);
    findings.forEach((f) => print(format(f)));
    const errors = findings.filter((f) => f.level === 'error').length;
    print(`${errors} error(s), ${findings.length - errors} warning(s)`);
    return errors > 0 ? 1 : 0;
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    print(`check-config: ${e.message}`);
    return 2;
  }
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), process.env, (line) => console.log(line));
}
