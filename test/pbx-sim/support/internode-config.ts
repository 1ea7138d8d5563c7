/**
 * A configuration directory for one node of a multi-node system: the product's `asterisk-config/`
 * copied, with the inter-node trunks a node has — `pjsip_internode.conf` (one endpoint, AOR and
 * identify per other node), included at the end of pjsip.conf — and the `[from-internode]` context
 * that rings the local phone. What the product's configuration already has of these is kept.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigDir } from '../config/load.js';

const FROM_INTERNODE = ['[from-internode]', 'exten => _X.,1,Dial(PJSIP/${EXTEN},30)', ' same => n,Hangup()'];

/** pjsip.conf objects of the trunk to node `other` (contact ports are never dialled by the simulator). */
function trunkTo(other: string, index: number): string[] {
  const name = `internode-${other}`;
  return [
    `[${name}]`,
    'type = endpoint',
    'context = from-internode',
    'disallow = all',
    'allow = alaw',
    `aors = ${name}`,
    '',
    `[${name}]`,
    'type = aor',
    `contact = sip:127.0.0.1:${5160 + index}`,
    '',
    `[${name}]`,
    'type = identify',
    `endpoint = ${name}`,
    `match = 127.0.0.${10 + index}`,
    '',
  ];
}

export interface NodeConfig {
  dir: string;
  remove(): void;
}

/**
 * Node `node`'s configuration with trunks to `others`. `extraDialplan` is appended to
 * extensions.conf (e.g. a context that dials across).
 */
export function internodeConfig(node: string, others: string[], extraDialplan: string[] = []): NodeConfig {
  const dir = mkdtempSync(join(tmpdir(), `sim-node-${node}-`));
  cpSync(defaultConfigDir(), dir, { recursive: true });
  writeFileSync(join(dir, 'pjsip_internode.conf'), others.flatMap((o, i) => trunkTo(o, i)).join('\n'));
  const pjsip = readFileSync(join(dir, 'pjsip.conf'), 'utf8');
  if (!/^#\s*(try)?include\s+"?pjsip_internode\.conf/m.test(pjsip)) appendFileSync(join(dir, 'pjsip.conf'), '\n#tryinclude pjsip_internode.conf\n');
  const extensions = readFileSync(join(dir, 'extensions.conf'), 'utf8');
  const lines = [...(/^\[from-internode\]/m.test(extensions) ? [] : FROM_INTERNODE), ...extraDialplan];
  if (lines.length > 0) appendFileSync(join(dir, 'extensions.conf'), `\n${lines.join('\n')}\n`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
