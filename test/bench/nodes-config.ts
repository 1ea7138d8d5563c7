/**
 * One node's Asterisk configuration for the nodes phase: the shipped `asterisk-config/`, the bench's
 * agent phones in pjsip.conf, the `pjsip_internode.conf` the generator writes for the node (its
 * addresses are never dialled: the simulators are joined with linkPbxSims), and in `[from-internode]`
 * a pattern for the bench's extensions.
 */
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderInternodeConf } from '../../asterisk-config/scripts/internode-render.js';
import { pjsipPhones } from './seats.js';

/** The shipped `[from-internode]` rings the 4-digit agent phones (`_1XXX`) and refuses anything else. */
const SHIPPED_INTERNODE_PHONES = 'exten => _1XXX,1,Dial(PJSIP/${EXTEN},120)\n same => n,Goto(dial-result,${DIALSTATUS},1)\n';

/**
 * Writes node `self`'s configuration to `dir`. Every node has every phone's endpoint (a phone
 * registers on one of them); `pattern` (e.g. `_3XXXX`) must cover `phones`.
 */
export function writeNodeConfig(dir: string, self: string, names: readonly string[], phones: readonly string[], pattern: string): void {
  cpSync('asterisk-config', dir, { recursive: true });
  appendFileSync(join(dir, 'pjsip.conf'), pjsipPhones(phones));
  const peers = names.filter((n) => n !== self).map((name, i) => ({ name, address: `10.0.0.${11 + i}` }));
  writeFileSync(join(dir, 'pjsip_internode.conf'), renderInternodeConf({ self, peers }));
  const extensionsConf = join(dir, 'extensions.conf');
  const text = readFileSync(extensionsConf, 'utf8');
  if (!text.includes(SHIPPED_INTERNODE_PHONES)) throw new Error("asterisk-config/extensions.conf: [from-internode] no longer has the _1XXX line the bench adds its pattern after");
  writeFileSync(
    extensionsConf,
    text.replace(
      SHIPPED_INTERNODE_PHONES,
      `${SHIPPED_INTERNODE_PHONES}; The bench's agent phones: a centre with longer extensions adds its pattern the same way.\nexten => ${pattern},1,Dial(PJSIP/\${EXTEN},120)\n same => n,Goto(dial-result,\${DIALSTATUS},1)\n`,
    ),
  );
}
